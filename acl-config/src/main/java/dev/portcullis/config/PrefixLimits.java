package dev.portcullis.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks and edits of a policy's list of {@link PrefixLimit}s. */
public final class PrefixLimits {

  private PrefixLimits() {}

  /** An immutable copy of {@code limits} (empty for null), refused if it names a length twice or is too long. */
  static List<PrefixLimit> check(List<PrefixLimit> limits) {
    if (limits == null) {
      return List.of();
    }
    if (limits.size() > PrefixLimit.MAX) {
      throw new IllegalArgumentException("at most " + PrefixLimit.MAX + " prefix limits, was " + limits.size());
    }
    Set<String> seen = new HashSet<>();
    for (PrefixLimit p : limits) {
      if (p == null) {
        throw new IllegalArgumentException("a prefix limit must not be null");
      }
      if (!seen.add(p.name())) {
        throw new IllegalArgumentException("prefixLimits names " + p.name() + " twice");
      }
    }
    return List.copyOf(limits);
  }

  /**
   * {@code limits} with the limit of one family and length changed: {@code perSecond} / {@code perMinute}
   * replace what it had when {@code setSecond} / {@code setMinute} (null removes that window's limit);
   * the entry goes when it is left with neither.
   */
  public static List<PrefixLimit> with(List<PrefixLimit> limits, String name, boolean setSecond, Long perSecond,
      boolean setMinute, Long perMinute) {
    int[] parsed = PrefixLimit.parseName(name);
    boolean v6 = parsed[0] == 1;
    PrefixLimit old = PrefixLimit.find(limits, v6, parsed[1]);
    Long s = setSecond ? perSecond : old == null ? null : old.limitPerSecond();
    Long m = setMinute ? perMinute : old == null ? null : old.limitPerMinute();
    List<PrefixLimit> out = new ArrayList<>();
    boolean placed = false;
    for (PrefixLimit p : limits) {
      if (p == old) {
        placed = true;
        if (s != null || m != null) {
          out.add(new PrefixLimit(v6, parsed[1], s, m));
        }
      } else {
        out.add(p);
      }
    }
    if (!placed && (s != null || m != null)) {
      out.add(new PrefixLimit(v6, parsed[1], s, m));
    }
    return out;
  }
}
