package dev.portcullis.benchmarks.soak;

import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Heap used after a full GC: of this JVM, or parsed from another's {@code jcmd GC.heap_info}. */
final class JvmHeap {

  private static final Pattern USED = Pattern.compile("used (\\d+)K");
  private static final Pattern TOTAL = Pattern.compile("total (\\d+)K");

  private JvmHeap() {}

  /** This JVM's heap used after {@link System#gc()}. */
  static long ownAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** The first "used NK" of a {@code GC.heap_info} answer (the whole heap for G1 and Serial), in bytes; -1 if none. */
  static long usedBytes(String heapInfo) {
    Matcher m = USED.matcher(heapInfo);
    return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
  }

  /** The first "total NK" of a {@code GC.heap_info} answer: the heap as committed, in bytes; -1 if none. */
  static long committedBytes(String heapInfo) {
    Matcher m = TOTAL.matcher(heapInfo);
    return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
  }
}
