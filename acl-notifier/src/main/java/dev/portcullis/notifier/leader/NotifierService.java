package dev.portcullis.notifier.leader;

import dev.portcullis.transport.KafkaConnection;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.ListJanitor;
import dev.portcullis.config.watch.ConfigWatcher;
import dev.portcullis.notifier.intercept.InterceptBook;
import dev.portcullis.notifier.intercept.NoticeTopicReader;
import dev.portcullis.config.ListEntry;
import dev.portcullis.notifier.api.ChangeAudit;
import dev.portcullis.notifier.scan.Breach;
import dev.portcullis.wire.AuditRecord;
import dev.portcullis.notifier.scan.QuotaBreach;
import dev.portcullis.notifier.scan.RuleScanner;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader-elected part of the notifier: a {@link LeaderLatch} on {@code /notifier/leader}, and
 * while leading, the scan loop (every {@code scanInterval}), expiry of intercepts, the janitor for
 * expired list entries, and periodic re-assertion of active notices.
 *
 * <p>On gaining leadership it first rebuilds the active intercepts from the compacted topic. On
 * losing it (including a suspended ZooKeeper connection) it cancels its tasks and waits for a
 * running scan to end before the listener returns; the notice sink also refuses to publish without
 * leadership, so a deposed leader stops before its successor starts.
 */
public final class NotifierService implements Leadership, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NotifierService.class);

  private enum State { LATENT, STARTED, CLOSED }

  /** What the service needs from its surroundings. */
  public record Settings(String id, String leaderPath, KafkaConnection kafka, String noticesTopic, Duration scanInterval,
      Duration janitorInterval, Duration reassertInterval, String advertisedUrl) {

    public Settings {
      if (id.isBlank() || id.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("a notifier id must be non-empty without white space, was '" + id + "'");
      }
      if (advertisedUrl.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("advertisedUrl must not contain white space, was '" + advertisedUrl + "'");
      }
    }

    /** What this notifier writes as its participant id in the election: its id, and its URL when it has one. */
    String participant() {
      return advertisedUrl.isEmpty() ? id : id + " " + advertisedUrl;
    }
  }

  private final Settings settings;
  private final CuratorFramework curator;
  private final ConfigWatcher config;
  private final ConfigStore store;
  private final RuleScanner scanner;
  private final ChangeAudit changes;
  private final InterceptBook book;
  private final ListJanitor janitor;
  private final Clock clock;
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final Object leadershipLock = new Object();
  private final Object scanLock = new Object();
  private final AtomicLong scans = new AtomicLong();
  private final AtomicLong breaches = new AtomicLong();
  private final AtomicLong judgeFailures = new AtomicLong();
  private final AtomicLong lastScanMicros = new AtomicLong(-1);
  private final AtomicLong lateScans = new AtomicLong();
  /** The second of the last tick that judged the older 1 s windows too ({@link RuleScanner#scanLate}); under scanLock. */
  private long lateScannedSecond = Long.MIN_VALUE;
  private LeaderLatch latch;
  private ScheduledExecutorService scheduler;
  private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
  private volatile List<String> apps = List.of();
  private final ActiveSetLoader activeSet;
  private volatile long appsRefreshedAt;

  public NotifierService(Settings settings, CuratorFramework curator, ConfigWatcher config, ConfigStore store,
      RuleScanner scanner, InterceptBook book, ChangeAudit changes, Clock clock) {
    this.settings = settings;
    this.curator = curator;
    this.config = config;
    this.store = store;
    this.scanner = scanner;
    this.changes = changes;
    this.book = book;
    this.clock = clock;
    this.janitor = new ListJanitor(store, clock);
    this.activeSet = new ActiveSetLoader(settings.id(), () -> book.load(NoticeTopicReader.readAll(settings.kafka(),
        settings.noticesTopic(), Duration.ofSeconds(5))), settings.noticesTopic(), clock);
  }

  public void start() {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("the notifier can be started once; it is " + state.get());
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "portcullis-notifier-scan");
      t.setDaemon(true);
      return t;
    });
    latch = new LeaderLatch(curator, settings.leaderPath(), settings.participant());
    latch.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        onLeadership();
      }

      @Override
      public void notLeader() {
        onLostLeadership();
      }
    });
    try {
      latch.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot join the leader election at " + settings.leaderPath(), e);
    }
  }

  @Override
  public boolean isLeader() {
    LeaderLatch l = latch;
    return l != null && l.hasLeadership() && state.get() == State.STARTED;
  }

  @Override
  public String leaderId() {
    String p = leaderParticipant();
    int space = p.indexOf(' ');
    return space < 0 ? p : p.substring(0, space);
  }

  @Override
  public String leaderUrl() {
    String p = leaderParticipant();
    int space = p.indexOf(' ');
    return space < 0 ? "" : p.substring(space + 1);
  }

  private String leaderParticipant() {
    try {
      return latch.getLeader().getId();
    } catch (Exception e) {
      return "";
    }
  }

  public String id() {
    return settings.id();
  }

  private void onLeadership() {
    synchronized (leadershipLock) {
      LOG.info("notifier {} is the leader; reading the active intercepts from {}", settings.id(), settings.noticesTopic());
      activeSet.reset();
      tasks.add(scheduler.scheduleWithFixedDelay(this::tick, 0, settings.scanInterval().toMillis(), TimeUnit.MILLISECONDS));
      tasks.add(scheduler.scheduleWithFixedDelay(this::sweepLists, settings.janitorInterval().toMillis(),
          settings.janitorInterval().toMillis(), TimeUnit.MILLISECONDS));
      tasks.add(scheduler.scheduleWithFixedDelay(this::reassert, settings.reassertInterval().toMillis(),
          settings.reassertInterval().toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  private void onLostLeadership() {
    synchronized (leadershipLock) {
      LOG.warn("notifier {} is not the leader any more; stopping its scans", settings.id());
      tasks.forEach(t -> t.cancel(false));
      tasks.clear();
      try {
        // a scan that is running finishes before we return: the next leader's first scan comes after it
        scheduler.submit(() -> { }).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("waiting for the last scan failed", e);
      }
    }
  }

  @Override
  public String notServingReason() {
    if (!isLeader()) {
      return "this notifier is a standby; the leader is " + leaderId();
    }
    return activeSet.notLoadedReason();
  }

  /** One scan of every app; public for tests. Does nothing unless leading with the active set loaded. */
  public void tick() {
    synchronized (scanLock) { // the scheduler's ticks and a test's never overlap
      if (!isLeader() || !activeSet.ensureLoaded()) {
        return;
      }
      long started = System.nanoTime();
      try {
        long now = clock.millis();
        ConfigSnapshot snapshot = config.current();
        boolean late = now / 1000 != lateScannedSecond; // the older seconds once a second
        for (String app : apps(snapshot, now)) {
          scanApp(app, snapshot, now, late);
        }
        if (late) {
          lateScannedSecond = now / 1000;
          lateScans.incrementAndGet();
        }
        book.expire();
        book.republishFailedAndFlush();
        scans.incrementAndGet();
      } catch (RuntimeException e) {
        LOG.warn("scan failed; retrying next tick: {}", e.toString());
      } finally {
        lastScanMicros.set((System.nanoTime() - started) / 1000);
      }
    }
  }

  /**
   * Scans one app and judges each breach on its own: a failure (an unreadable history entry, Kafka
   * timing out) is logged and counted and the next breach, and the next app, are still judged; the
   * failed one is judged again at the next tick if it still stands.
   */
  private void scanApp(String app, ConfigSnapshot snapshot, long now, boolean late) {
    List<Breach> found;
    List<QuotaBreach> quotas;
    try {
      found = new ArrayList<>(scanner.scan(app, snapshot, now));
      if (late) {
        found.addAll(scanner.scanLate(app, snapshot, now));
      }
      quotas = scanner.scanQuotas(app, snapshot, now);
    } catch (RuntimeException e) {
      judgeFailures.incrementAndGet();
      LOG.warn("scanning {} failed; other apps are still judged, {} again next tick: {}", app, app, e.toString());
      return;
    }
    for (Breach b : found) {
      breaches.incrementAndGet();
      try {
        book.consider(b, snapshot);
      } catch (RuntimeException e) {
        judgeFailures.incrementAndGet();
        LOG.warn("judging {} in {} failed; judged again next tick if it still stands: {}", b.target(), app, e.toString());
      }
    }
    for (QuotaBreach b : quotas) {
      breaches.incrementAndGet();
      try {
        book.considerQuota(b, snapshot);
      } catch (RuntimeException e) {
        judgeFailures.incrementAndGet();
        LOG.warn("judging the quota of {} on {} in {} failed: {}", b.caller(), b.iface(), app, e.toString());
      }
    }
  }

  private void reassert() {
    if (isLeader() && activeSet.notLoadedReason() == null) {
      book.reassert();
    }
  }

  private List<String> apps(ConfigSnapshot snapshot, long now) {
    if (now - appsRefreshedAt > 2_000) {
      TreeSet<String> all = new TreeSet<>(snapshot.apps().keySet());
      try {
        all.addAll(store.apps());
      } catch (RuntimeException e) {
        LOG.debug("cannot list apps in ZooKeeper now: {}", e.toString());
      }
      apps = List.copyOf(all);
      appsRefreshedAt = now;
    }
    return apps;
  }

  private void sweepLists() {
    if (!isLeader()) {
      return;
    }
    try {
      for (ListJanitor.Removed r : janitor.sweep()) {
        ListEntry e = r.entry().entry();
        changes.record("janitor", AuditRecord.Kind.LIST_EXPIRED, r.app(), e.cidr(),
            r.kind().name().toLowerCase(java.util.Locale.ROOT) + " list entry expired" + (e.note().isEmpty() ? "" : ": " + e.note()));
      }
    } catch (RuntimeException e) {
      LOG.warn("janitor failed: {}", e.toString());
    }
  }

  public long scans() {
    return scans.get();
  }

  /** Scans that also judged the older 1 s windows ({@link RuleScanner#scanLate}): about one a second. */
  public long lateScans() {
    return lateScans.get();
  }

  public long breaches() {
    return breaches.get();
  }

  /** Apps whose scan, or breaches whose judgement, failed (each retried at a later tick). */
  public long judgeFailures() {
    return judgeFailures.get();
  }

  public long lastScanMicros() {
    return lastScanMicros.get();
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) != State.STARTED) {
      return;
    }
    try {
      latch.close();
    } catch (Exception e) {
      LOG.warn("leaving the election failed", e);
    }
    onLostLeadership();
    scheduler.shutdownNow();
  }
}
