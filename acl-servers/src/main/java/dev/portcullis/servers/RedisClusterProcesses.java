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
  private final int replicas;

  private RedisClusterProcesses(List<RedisProcess> nodes, int replicas) {
    this.nodes = List.copyOf(nodes);
    this.replicas = replicas;
  }

  public static RedisClusterProcesses start() {
    return start(false);
  }

  /**
   * Three masters and a replica of each (six processes; the first three start as the masters): a
   * master that dies is replaced by its replica after the cluster node timeout (2 s here).
   */
  public static RedisClusterProcesses startWithReplicas() {
    return start(true);
  }

  private static RedisClusterProcesses start(boolean withReplicas) {
    List<RedisProcess> started = new ArrayList<>();
    int count = withReplicas ? 2 * MASTERS : MASTERS;
    try {
      for (int i = 0; i < count; i++) {
        int port = Ports.freeLoopbackPortWithBus(); // Redis 6 also binds port + 10,000, the cluster bus
        started.add(RedisProcess.startOn(port, List.of(
            "--cluster-enabled", "yes",
            "--cluster-config-file", "nodes-" + port + ".conf",
            "--cluster-node-timeout", withReplicas ? "2000" : "3000",
            "--cluster-replica-validity-factor", "0", // a replica takes over however long it was cut off
            "--cluster-announce-ip", "127.0.0.1")));
      }
      for (int i = 0; i < MASTERS; i++) {
        int from = i * SLOTS / MASTERS;
        int to = (i + 1) * SLOTS / MASTERS;
        List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
        IntStream.range(from, to).forEach(slot -> command.add(Integer.toString(slot)));
        RespCommand.call(started.get(i).port(), command.toArray(String[]::new));
      }
      for (int i = 1; i < count; i++) {
        RespCommand.call(started.get(0).port(), "CLUSTER", "MEET", "127.0.0.1", Integer.toString(started.get(i).port()));
      }
      if (withReplicas) {
        for (int i = MASTERS; i < count; i++) {
          String master = RespCommand.call(started.get(i - MASTERS).port(), "CLUSTER", "MYID").trim();
          int replica = started.get(i).port();
          Polling.await("the replica at " + replica + " to know its master", Duration.ofSeconds(30),
              () -> RespCommand.call(replica, "CLUSTER", "NODES").contains(master));
          RespCommand.call(replica, "CLUSTER", "REPLICATE", master);
        }
      }
      RedisClusterProcesses cluster = new RedisClusterProcesses(started, withReplicas ? MASTERS : 0);
      Polling.await("a 3-master Redis Cluster with all slots served" + (withReplicas ? " and a replica each" : ""),
          Duration.ofSeconds(30), cluster::isHealthy);
      return cluster;
    } catch (RuntimeException | AssertionError e) {
      started.forEach(RedisProcess::close);
      throw new IllegalStateException("could not form a Redis Cluster: " + e.getMessage(), e);
    }
  }

  /**
   * True iff every running node sees the cluster as ok with all slots and every node known, and each
   * replica's link to its master is up.
   */
  public boolean isHealthy() {
    for (RedisProcess n : nodes) {
      if (!n.ping()) {
        continue; // killed by a test
      }
      String info = RespCommand.call(n.port(), "CLUSTER", "INFO");
      if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_assigned:" + SLOTS)
          || !info.contains("cluster_known_nodes:" + nodes.size())) {
        return false;
      }
      String replication = RespCommand.call(n.port(), "INFO", "replication");
      if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
        return false;
      }
    }
    return true;
  }

  /** The process serving as master of {@code slot} now (after a failover, a former replica). */
  public RedisProcess masterOf(int slot) {
    for (RedisProcess n : nodes) {
      if (n.ping() && RespCommand.call(n.port(), "INFO", "replication").contains("role:master")) {
        String nodes = RespCommand.call(n.port(), "CLUSTER", "NODES");
        for (String line : nodes.split("\n")) {
          if (line.contains("myself") && servesSlot(line, slot)) {
            return n;
          }
        }
      }
    }
    throw new IllegalStateException("no running master serves slot " + slot);
  }

  /** The running process replicating {@code master} now. */
  public RedisProcess replicaOf(RedisProcess master) {
    for (RedisProcess n : nodes) {
      if (n != master && n.ping()) {
        List<String> info = RespCommand.call(n.port(), "INFO", "replication").lines().map(String::trim).toList();
        if (info.contains("role:slave") && info.contains("master_port:" + master.port())) {
          return n;
        }
      }
    }
    throw new IllegalStateException("no running replica of the master on port " + master.port());
  }

  private static boolean servesSlot(String nodesLine, int slot) {
    String[] f = nodesLine.trim().split(" ");
    for (int i = 8; i < f.length; i++) {
      String[] range = f[i].split("-");
      if (!range[0].matches("\\d+")) {
        continue;
      }
      int from = Integer.parseInt(range[0]);
      int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
      if (slot >= from && slot <= to) {
        return true;
      }
    }
    return false;
  }

  /** How many masters have a connected replica now. */
  public int replicas() {
    return replicas;
  }

  @Override
  public List<String> nodes() {
    return nodes.stream().limit(MASTERS).map(n -> n.host() + ":" + n.port()).toList();
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
