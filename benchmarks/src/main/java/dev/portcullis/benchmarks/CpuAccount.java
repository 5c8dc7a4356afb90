package dev.portcullis.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the CPU of a harness goes, read from Linux's per-thread accounting ({@code /proc/self/task/<tid>/stat},
 * user and system time, named by {@code comm}: the first 15 characters of the thread's name, which the JVM
 * sets for its Java threads and RocksDB for its own) and from a child process's {@code /proc/<pid>/stat}. For
 * a harness that runs the broker and the aggregator in one JVM: the aggregator's threads (Kafka Streams' stream
 * threads, which also count and flush to Redis, their Kafka clients, RocksDB's background threads), the
 * JVM's compilers and its garbage collector (shared by both, not attributable), the rest (the broker), and Redis.
 * A snapshot holds what each group had used so far; {@link #since} subtracts an earlier one. Threads that
 * ended between two snapshots are lost to both: the groups measured here live as long as the run.
 */
final class CpuAccount {

  enum Group { AGGREGATOR, JIT, GC, BROKER_AND_REST, REDIS }

  private final long redisPid;
  private final double secondsPerTick;

  /** @param redisPid the Redis server's process id, or -1 */
  CpuAccount(long redisPid) {
    this.redisPid = redisPid;
    this.secondsPerTick = 1.0 / clockTicksPerSecond();
  }

  /** The process id of the first descendant of this JVM whose command line contains {@code command}, or -1. */
  static long childPid(String command) {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().commandLine().orElse("").contains(command))
        .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
  }

  /** CPU seconds used so far, by group. */
  Map<Group, Double> snapshot() throws IOException {
    Map<Group, Double> out = new LinkedHashMap<>();
    for (Group g : Group.values()) {
      out.put(g, 0.0);
    }
    byThreadName().forEach((comm, seconds) -> out.merge(groupOf(comm), seconds, Double::sum));
    if (redisPid > 0) {
      out.put(Group.REDIS, ticks(Path.of("/proc", Long.toString(redisPid), "stat")) * secondsPerTick);
    }
    return out;
  }

  /** CPU seconds this JVM's threads used so far, summed by (truncated) thread name. */
  Map<String, Double> byThreadName() throws IOException {
    Map<String, Double> out = new LinkedHashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String comm = Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).strip();
          out.merge(comm, ticks(task.resolve("stat")) * secondsPerTick, Double::sum);
        } catch (IOException ended) {
          // the thread ended while being read
        }
      }
    }
    return out;
  }

  /** {@code now} less {@code before}, by key. */
  static <K> Map<K, Double> since(Map<K, Double> before, Map<K, Double> now) {
    Map<K, Double> out = new LinkedHashMap<>();
    now.forEach((k, s) -> out.put(k, s - before.getOrDefault(k, 0.0)));
    return out;
  }

  /** The group of a thread by its (truncated) name. */
  static Group groupOf(String comm) {
    if (comm.startsWith("portcullis-aggr") // Kafka Streams' stream threads and their cleaner
        || comm.startsWith("kafka-producer-") // their producers' network threads (the broker has none)
        || comm.startsWith("kafka-coordinat") // their consumers' heartbeat threads (the broker's are "group-coordinat")
        || comm.startsWith("rocksdb:")) {
      return Group.AGGREGATOR;
    }
    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") || comm.startsWith("Sweeper")) {
      return Group.JIT;
    }
    if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
      return Group.GC; // the VM thread runs the safepoints of the collections, mostly
    }
    return Group.BROKER_AND_REST;
  }

  private static long ticks(Path stat) throws IOException {
    return ticksOf(Files.readString(stat, StandardCharsets.US_ASCII));
  }

  /**
   * utime + stime of a {@code stat} line: fields 14 and 15, counted after the parenthesised name (which may
   * itself hold spaces and parentheses).
   */
  static long ticksOf(String s) {
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long clockTicksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
