package dev.portcullis.config.watch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;

/**
 * Reads a whole subtree with many asynchronous requests in flight at once (up to {@code window}),
 * which is several times faster than a cache that walks it node by node. Used once at start so that
 * a large configuration is in force sooner; the cache then takes over. Nodes deleted while the walk
 * runs are skipped.
 *
 * <p>Only the calling thread issues requests and waits for window space; the callbacks, which run on
 * the ZooKeeper client's event thread, never block: they record the result, queue the children and
 * release their permit. (Blocking that thread would stall every other user of the client.)
 */
final class BulkTreeRead {

  private BulkTreeRead() {}

  /**
   * Every znode under {@code root} (itself included) with its data and mzxid.
   *
   * @throws IllegalStateException if ZooKeeper does not answer within {@code timeoutMillis}
   */
  static List<ConfigTreeReader.Node> read(CuratorFramework curator, String root, int window, long timeoutMillis)
      throws Exception {
    List<ConfigTreeReader.Node> out = Collections.synchronizedList(new ArrayList<>());
    ConcurrentLinkedQueue<String> toRead = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> toList = new ConcurrentLinkedQueue<>();
    Semaphore permits = new Semaphore(window);
    AtomicInteger outstanding = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    toRead.add(root);
    while (true) {
      if (failure.get() != null) {
        throw new IllegalStateException("reading " + root + " failed: " + failure.get(), failure.get());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("reading " + root + " did not finish within " + timeoutMillis + " ms");
      }
      // children first: they feed the read queue
      String parent = toList.peek();
      String path = parent == null ? toRead.peek() : null;
      if (parent == null && path == null) {
        if (outstanding.get() == 0 && toList.isEmpty() && toRead.isEmpty()) {
          return new ArrayList<>(out);
        }
        Thread.sleep(1); // waiting for answers; bounded by the deadline
        continue;
      }
      if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        continue; // window full: wait for answers
      }
      outstanding.incrementAndGet();
      if (parent != null) {
        toList.poll();
        curator.getChildren().inBackground((c, e) -> {
          try {
            if (ok(e, failure)) {
              for (String child : e.getChildren()) {
                toRead.add(parent.equals("/") ? "/" + child : parent + "/" + child);
              }
            }
          } finally {
            permits.release();
            outstanding.decrementAndGet();
          }
        }).forPath(parent);
      } else {
        toRead.poll();
        curator.getData().inBackground((c, e) -> {
          try {
            if (ok(e, failure)) {
              out.add(new ConfigTreeReader.Node(path, e.getData() == null ? new byte[0] : e.getData(),
                  e.getStat().getMzxid()));
              if (e.getStat().getNumChildren() > 0) {
                toList.add(path); // only folders are listed: one request per leaf, not two
              }
            }
          } finally {
            permits.release();
            outstanding.decrementAndGet();
          }
        }).forPath(path);
      }
    }
  }

  private static boolean ok(CuratorEvent e, AtomicReference<Throwable> failure) {
    int rc = e.getResultCode();
    if (rc == KeeperException.Code.OK.intValue()) {
      return true;
    }
    if (rc != KeeperException.Code.NONODE.intValue()) { // NONODE: deleted meanwhile, or no root yet
      failure.compareAndSet(null, KeeperException.create(KeeperException.Code.get(rc), e.getPath()));
    }
    return false;
  }
}
