package dev.portcullis.config.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;

/**
 * Reads a whole subtree level by level with ZooKeeper's read-only {@code multi} (one request carries
 * a batch of {@code getData} or {@code getChildren} operations, answered in one packet) and several
 * such requests in flight. ZooKeeper pays its cost per request, not per operation, so this reads a
 * large list many times faster than one request per znode, which is what a cache does. Used once at
 * start so that a large configuration is in force sooner; the cache then takes over. Nodes deleted
 * while the walk runs are skipped (a read-only multi answers each operation on its own).
 *
 * <p>Batches are sized so that an answer stays far below the client's packet limit
 * ({@code jute.maxbuffer}, 1 MB by default): {@value #DATA_BATCH} documents of at most a few hundred
 * bytes each, or {@value #CHILDREN_BATCH} folders of at most a few thousand names each.
 */
final class BulkTreeRead {

  static final int DATA_BATCH = 250;
  static final int CHILDREN_BATCH = 8;

  private BulkTreeRead() {}

  /**
   * Every znode under {@code root} (itself included) with its data and mzxid.
   *
   * @param inFlight how many multi requests may be outstanding at once
   * @throws IllegalStateException if ZooKeeper does not answer within {@code timeoutMillis} or a read
   *     fails for another reason than a node that disappeared meanwhile
   */
  static List<ConfigTreeReader.Node> read(CuratorFramework curator, String root, int inFlight, long timeoutMillis)
      throws Exception {
    ZooKeeper zk = curator.getZookeeperClient().getZooKeeper();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    List<ConfigTreeReader.Node> out = new ArrayList<>();
    List<String> level = List.of(root);
    while (!level.isEmpty()) {
      List<String> folders = new ArrayList<>();
      for (Answer a : run(zk, level, DATA_BATCH, Op::getData, inFlight, deadline)) {
        for (int i = 0; i < a.results().size(); i++) {
          String path = a.paths().get(i);
          if (a.results().get(i) instanceof OpResult.GetDataResult d) {
            out.add(new ConfigTreeReader.Node(path, d.getData() == null ? new byte[0] : d.getData(),
                d.getStat().getMzxid()));
            if (d.getStat().getNumChildren() > 0) {
              folders.add(path); // only folders are listed: one operation per leaf, not two
            }
          } else {
            requireGone(a.results().get(i), path);
          }
        }
      }
      List<String> next = new ArrayList<>();
      for (Answer a : run(zk, folders, CHILDREN_BATCH, Op::getChildren, inFlight, deadline)) {
        for (int i = 0; i < a.results().size(); i++) {
          String parent = a.paths().get(i);
          if (a.results().get(i) instanceof OpResult.GetChildrenResult c) {
            for (String child : c.getChildren()) {
              next.add(parent.equals("/") ? "/" + child : parent + "/" + child);
            }
          } else {
            requireGone(a.results().get(i), parent);
          }
        }
      }
      level = next;
    }
    return out;
  }

  /** The answers to one multi request, in the order of its paths. */
  private record Answer(List<String> paths, List<OpResult> results) {}

  private static List<Answer> run(ZooKeeper zk, List<String> paths, int batchSize, Function<String, Op> op,
      int inFlight, long deadline) throws Exception {
    Semaphore window = new Semaphore(inFlight);
    List<CompletableFuture<Answer>> futures = new ArrayList<>();
    for (int from = 0; from < paths.size(); from += batchSize) {
      List<String> slice = paths.subList(from, Math.min(paths.size(), from + batchSize));
      List<Op> ops = new ArrayList<>(slice.size());
      for (String p : slice) {
        ops.add(op.apply(p));
      }
      if (!window.tryAcquire(remainingNanos(deadline), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException("ZooKeeper did not answer the bulk read in time");
      }
      CompletableFuture<Answer> f = new CompletableFuture<>();
      // the callback runs on the ZooKeeper event thread: record and release, never block
      zk.multi(ops, (rc, path, ctx, results) -> {
        window.release();
        // a read-only multi answers every operation on its own; rc then repeats the first error,
        // which is judged per operation with its path (a missing node is skipped, others fail)
        if (results != null && results.size() == slice.size()) {
          f.complete(new Answer(slice, results));
        } else {
          f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), slice.get(0)));
        }
      }, null);
      futures.add(f);
    }
    List<Answer> results = new ArrayList<>(futures.size());
    for (CompletableFuture<Answer> f : futures) {
      try {
        results.add(f.get(remainingNanos(deadline), TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        throw new IllegalStateException("ZooKeeper did not answer the bulk read in time", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("bulk read failed: " + e.getCause(), e.getCause());
      }
    }
    return results;
  }

  private static void requireGone(OpResult r, String path) {
    if (r instanceof OpResult.ErrorResult e && e.getErr() != KeeperException.Code.NONODE.intValue()) {
      throw new IllegalStateException("reading " + path + " failed: " + KeeperException.Code.get(e.getErr()));
    }
  }

  private static long remainingNanos(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }
}
