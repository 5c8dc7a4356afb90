package dev.portcullis.servers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A real three-master Redis Cluster of local {@code redis-server} processes on 127.0.0.1, built the
 * way {@code redis-cli --cluster create} builds one: each node gets a third of the 16384 slots,
 * the first meets the others, and the cluster is handed out only when every node reports
 * {@code cluster_state:ok} with all slots assigned and three known masters.
 */
public final class RedisClusterProcesses implements RedisCluster {

  public static final int MASTERS = 3;
  private static final int SLOTS = 16384;

  private final List<RedisProcess> nodes;

  private RedisClusterProcesses(List<RedisProcess> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  public static RedisClusterProcesses start() {
    List<RedisProcess> started = new ArrayList<>();
    try {
      for (int i = 0; i < MASTERS; i++) {
        int port = Ports.freeLoopbackPort();
        started.add(RedisProcess.startOn(port, List.of(
            "--cluster-enabled", "yes",
            "--cluster-config-file", "nodes-" + port + ".conf",
            "--cluster-node-timeout", "3000",
            "--cluster-announce-ip", "127.0.0.1")));
      }
      for (int i = 0; i < MASTERS; i++) {
        int from = i * SLOTS / MASTERS;
        int to = (i + 1) * SLOTS / MASTERS;
        List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
        IntStream.range(from, to).forEach(slot -> command.add(Integer.toString(slot)));
        RespCommand.call(started.get(i).port(), command.toArray(String[]::new));
      }
      for (int i = 1; i < MASTERS; i++) {
        RespCommand.call(started.get(0).port(), "CLUSTER", "MEET", "127.0.0.1", Integer.toString(started.get(i).port()));
      }
      RedisClusterProcesses cluster = new RedisClusterProcesses(started);
      Polling.await("a 3-master Redis Cluster with all slots served", Duration.ofSeconds(30), cluster::isHealthy);
      return cluster;
    } catch (RuntimeException | AssertionError e) {
      started.forEach(RedisProcess::close);
      throw new IllegalStateException("could not form a Redis Cluster: " + e.getMessage(), e);
    }
  }

  /** True iff every node sees the cluster as ok with all slots and three masters. */
  public boolean isHealthy() {
    for (RedisProcess n : nodes) {
      String info = RespCommand.call(n.port(), "CLUSTER", "INFO");
      if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_assigned:" + SLOTS)
          || !info.contains("cluster_known_nodes:" + MASTERS)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public List<String> nodes() {
    return nodes.stream().map(n -> n.host() + ":" + n.port()).toList();
  }

  /** The node processes, for tests that stop one. */
  public List<RedisProcess> processes() {
    return nodes;
  }

  @Override
  public String describe() {
    return "3-master Redis Cluster " + nodes();
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (RedisProcess n : nodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
