package dev.portcullis.notifier.alert;

import dev.portcullis.notifier.intercept.NoticeSink;
import dev.portcullis.wire.AuditRecord;
import dev.portcullis.wire.InterceptNotice;
import dev.portcullis.wire.WireCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Optional alerts: every new intercept and every refusal by the safety valve is POSTed as its audit
 * record (JSON) to a webhook. A bounded queue decouples the scan from the webhook: when it is full
 * the alert is dropped and counted, never waited for. One sender thread retries each alert up to
 * {@code attempts} times with a doubling pause. Wraps the real {@link NoticeSink}, which it calls first.
 */
public final class WebhookAlerts implements NoticeSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookAlerts.class);

  private enum State { LATENT, STARTED, CLOSED }

  private final NoticeSink delegate;
  private final URI url;
  private final String shown; // the URL as logged: its path, query and user info may hold a secret token
  private final int attempts;
  private final Duration firstPause;
  private final BlockingQueue<byte[]> queue;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final WireCodec codec = new WireCodec();
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final LongAdder sent = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private Thread sender;

  public WebhookAlerts(NoticeSink delegate, URI url, int capacity, int attempts, Duration firstPause) {
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw new IllegalArgumentException("alert webhook must be an http or https URL, its scheme was " + url.getScheme());
    }
    if (capacity < 1 || attempts < 1) {
      throw new IllegalArgumentException("alert queue capacity and attempts must be >= 1");
    }
    this.delegate = delegate;
    this.url = url;
    this.shown = shown(url);
    this.attempts = attempts;
    this.firstPause = firstPause;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  public void start() {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("webhook alerts can be started once; they are " + state.get());
    }
    sender = new Thread(this::run, "portcullis-alerts");
    sender.setDaemon(true);
    sender.start();
  }

  @Override
  public void publish(InterceptNotice notice) {
    delegate.publish(notice);
  }

  @Override
  public void release(String noticeKey) {
    delegate.release(noticeKey);
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public java.util.Set<String> takeFailedPublishes() {
    return delegate.takeFailedPublishes();
  }

  @Override
  public void audit(AuditRecord record) {
    delegate.audit(record);
    if (record.kind() == AuditRecord.Kind.INTERCEPT_ISSUED || record.kind() == AuditRecord.Kind.INTERCEPT_REFUSED) {
      if (!queue.offer(codec.write(record))) {
        dropped.increment();
      }
    }
  }

  private void run() {
    while (state.get() == State.STARTED) {
      try {
        byte[] body = queue.poll(200, TimeUnit.MILLISECONDS);
        if (body != null) {
          deliver(body);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warn("alert sender failed; continuing", e);
      }
    }
  }

  private void deliver(byte[] body) throws InterruptedException {
    long pause = firstPause.toMillis();
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 == 2) {
          sent.increment();
          return;
        }
        LOG.warn("alert webhook {} answered {} (attempt {}/{})", shown, r.statusCode(), attempt, attempts);
      } catch (java.io.IOException e) {
        LOG.warn("alert webhook {} unreachable (attempt {}/{}): {}", shown, attempt, attempts, e.toString());
      }
      if (attempt < attempts) {
        Thread.sleep(pause);
        pause *= 2;
      }
    }
    failed.increment();
  }

  public long sent() {
    return sent.sum();
  }

  public long dropped() {
    return dropped.sum();
  }

  public long failed() {
    return failed.sum();
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) != State.STARTED) {
      return;
    }
    sender.interrupt();
    try {
      sender.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code scheme://host:port/…}: enough to tell which webhook, never the path or query that may be its secret. */
  static String shown(URI url) {
    return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
        + (url.getRawPath() == null || url.getRawPath().isEmpty() ? "" : "/…");
  }
}
