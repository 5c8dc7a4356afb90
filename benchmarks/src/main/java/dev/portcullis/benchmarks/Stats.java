package dev.portcullis.benchmarks;

import java.util.Arrays;
import java.util.List;

/** Percentiles of a sample, for the harnesses' reports. */
final class Stats {

  private Stats() {}

  static String summary(List<Long> values, String unit) {
    long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
    if (v.length == 0) {
      return "no samples";
    }
    return String.format("n=%d p50=%d%s p90=%d%s p99=%d%s max=%d%s", v.length, pct(v, 50), unit, pct(v, 90), unit,
        pct(v, 99), unit, v[v.length - 1], unit);
  }

  static long pct(long[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
  }

  static long[] sorted(List<Long> values) {
    long[] v = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(v);
    return v;
  }
}
