package dev.portcullis.benchmarks.soak;

import dev.portcullis.benchmarks.ZipfRanks;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.decide.Decision;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak's traffic, one thread per client, in 10 ms ticks: benign users (a Zipf mix over
 * {@code users} IPv4 addresses of 11.0.0.0/8), an attacker sending every request from a fresh random
 * IPv6 address of 2001:db8:7::/48, and a scraper rotating over 198.51.100.0/24. It remembers what the
 * counts of the heaviest benign users must be (per second and per minute), every benign request that
 * was refused, and when the /48 and the /24 were first refused as intercepts.
 */
final class SoakTraffic implements AutoCloseable {

  /** Requests per second of each kind, over all clients. */
  record Rates(int benign, int v6, int scraper) {}

  /** How many of the heaviest users have their counts checked. */
  static final int SAMPLE = 20;

  private final List<AclClient> clients;
  private final Rates rates;
  private final ZipfRanks ranks;
  private final List<Thread> threads = new java.util.ArrayList<>();
  private volatile boolean running = true;
  final long startedAt = System.currentTimeMillis();
  final LongAdder benignSent = new LongAdder();
  final LongAdder v6Sent = new LongAdder();
  final LongAdder scraperSent = new LongAdder();
  final LongAdder benignRefused = new LongAdder();
  final AtomicReference<String> firstBenignRefusal = new AtomicReference<>();
  final AtomicLong v6InterceptedAt = new AtomicLong();
  final AtomicLong scraperInterceptedAt = new AtomicLong();
  /** Expected counts of the sampled users: "address|s|second" and "address|m|minute". */
  final Map<String, LongAdder> expected = new ConcurrentHashMap<>();
  /** Windows of sampled users that a request whose call spanned their edge may have been counted in or out of (see {@link #expect}). */
  final java.util.Set<String> ambiguous = ConcurrentHashMap.newKeySet();

  SoakTraffic(List<AclClient> clients, int users, Rates rates) {
    if (users < 1 || users > 1 << 24) {
      throw new IllegalArgumentException("users must be 1 to 16,777,216 (one address each in 11.0.0.0/8), was " + users);
    }
    this.clients = clients;
    this.rates = rates;
    this.ranks = new ZipfRanks(users, 0.8);
  }

  /**
   * The address of the benign user of rank {@code rank} (0 = heaviest), in 11.0.0.0/8: one address per user
   * (an odd multiplier permutes the 24 low bits, and spreads neighbouring ranks over the /8). A hash of the
   * rank gave two users one address now and then (rank 16 and rank 220,255 shared 11.151.5.83), and the
   * sampled user's windows then held the other's requests too.
   */
  static String user(int rank) {
    int h = rank * 0x9E3779B1 & 0xFFFFFF;
    return "11." + (h >>> 16) + "." + ((h >>> 8) & 0xFF) + "." + (h & 0xFF);
  }

  /**
   * Expects one request of {@code ip} in the window (of {@code size} ms) of the client's clock read just
   * before the call ({@code before}). The client stamps the request with that same clock (its coarse clock,
   * which a starved timer thread on a saturated machine can leave hundreds of ms behind the system's) read
   * once inside the call, so the stamp lies between {@code before} and {@code after}: only a call during
   * which that clock crossed a window's edge could be counted in either window, and those two windows of
   * that user are not compared.
   */
  private void expect(String ip, long before, long after, long size, String kind) {
    long window = before / size;
    expected.computeIfAbsent(ip + kind + window, k -> new LongAdder()).increment();
    if (after / size != window) {
      ambiguous.add(ip + kind + window);
      ambiguous.add(ip + kind + after / size);
    }
  }

  void start() {
    for (int i = 0; i < clients.size(); i++) {
      AclClient c = clients.get(i);
      SplittableRandom rnd = new SplittableRandom(1000 + i);
      Thread t = new Thread(() -> run(c, rnd), "soak-load-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void run(AclClient c, SplittableRandom rnd) {
    int n = clients.size();
    double benign = rates.benign() / 100.0 / n;
    double v6 = rates.v6() / 100.0 / n;
    double scraper = rates.scraper() / 100.0 / n;
    double[] owed = new double[3];
    int scraped = rnd.nextInt(256);
    long tick = System.nanoTime();
    while (running) {
      owed[0] += benign;
      owed[1] += v6;
      owed[2] += scraper;
      for (; owed[0] >= 1; owed[0]--) {
        int r = ranks.rank(rnd.nextDouble());
        String ip = user(r);
        long before = c.nowMillis(); // the clock the client stamps the request with
        Decision d = c.check(ip, "GET /items");
        long after = c.nowMillis();
        benignSent.increment();
        if (d.outcome() != Decision.Outcome.ALLOW) {
          benignRefused.increment();
          firstBenignRefusal.compareAndSet(null, ip + ": " + d.detail());
        }
        if (r < SAMPLE) {
          expect(ip, before, after, 1000, "|s|");
          expect(ip, before, after, 60_000, "|m|");
        }
      }
      for (; owed[1] >= 1; owed[1]--) {
        String ip = "2001:db8:7:" + Integer.toHexString(rnd.nextInt(65_536)) + ":" + Integer.toHexString(rnd.nextInt(65_536))
            + ":" + Integer.toHexString(rnd.nextInt(65_536)) + ":" + Integer.toHexString(rnd.nextInt(65_536)) + ":"
            + Integer.toHexString(1 + rnd.nextInt(65_535));
        if (c.check(ip, "GET /items").reason() == Decision.Reason.INTERCEPT) {
          v6InterceptedAt.compareAndSet(0, System.currentTimeMillis());
        }
        v6Sent.increment();
      }
      for (; owed[2] >= 1; owed[2]--) {
        scraped = (scraped + 1) & 0xFF;
        if (c.check("198.51.100." + scraped, "GET /items").reason() == Decision.Reason.INTERCEPT) {
          scraperInterceptedAt.compareAndSet(0, System.currentTimeMillis());
        }
        scraperSent.increment();
      }
      tick += 10_000_000L;
      long wait = tick - System.nanoTime();
      if (wait > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      } else if (wait < -1_000_000_000L) {
        tick = System.nanoTime(); // far behind: do not try to catch up a backlog
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(5_000);
    }
  }
}
