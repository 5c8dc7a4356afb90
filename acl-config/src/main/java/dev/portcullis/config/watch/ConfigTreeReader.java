package dev.portcullis.config.watch;

import dev.portcullis.address.Cidr;
import dev.portcullis.config.AppConfig;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.LimitEntry;
import dev.portcullis.config.BlastRadius;
import dev.portcullis.config.ListEntry;
import dev.portcullis.keys.ListKind;
import dev.portcullis.keys.ZkPaths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the raw znodes under the root into a {@link ConfigSnapshot}, remembering what it parsed.
 *
 * <p>Each document is parsed once per znode version ({@code mzxid}). A document that does not parse
 * or validate is reported in {@link #problems()} and counted, and the last good version of that
 * znode stays in force; a znode that never had a good version contributes nothing. Not thread-safe:
 * one watcher thread calls it.
 */
final class ConfigTreeReader {

  /** One znode as the cache sees it. */
  record Node(String path, byte[] data, long mzxid) {}

  private record Parsed(long mzxid, Object value, String error) {}

  private final ZkPaths paths;
  private final ConfigCodec codec;
  private final Map<String, Parsed> parsed = new HashMap<>();
  private final Map<String, Object> lastGood = new HashMap<>();
  private final Map<String, String> problems = new TreeMap<>();
  private long invalidDocuments;

  ConfigTreeReader(ZkPaths paths, ConfigCodec codec) {
    this.paths = paths;
    this.codec = codec;
  }

  /** Current problems by path. */
  Map<String, String> problems() {
    return Map.copyOf(problems);
  }

  /** How many invalid document versions have been seen since start. */
  long invalidDocuments() {
    return invalidDocuments;
  }

  ConfigSnapshot read(Iterable<Node> nodes) {
    GlobalPolicy global = GlobalPolicy.DEFAULT;
    List<ListEntry> gAllow = new ArrayList<>();
    List<ListEntry> gDeny = new ArrayList<>();
    List<LimitEntry> gLimits = new ArrayList<>();
    Map<String, AppPolicy> policies = new TreeMap<>();
    Map<String, List<LimitEntry>> limits = new TreeMap<>();
    Map<String, List<ListEntry>> allow = new TreeMap<>();
    Map<String, List<ListEntry>> deny = new TreeMap<>();
    Set<String> present = new HashSet<>();
    long version = 0;
    problems.clear();
    String prefix = paths.root() + "/";
    for (Node n : nodes) {
      if (!n.path().startsWith(prefix)) {
        continue;
      }
      String[] p = n.path().substring(prefix.length()).split("/");
      Kind kind = classify(p);
      if (kind == null) {
        continue;
      }
      present.add(n.path());
      version = Math.max(version, n.mzxid());
      Object value = parse(n, kind, p);
      if (value == null) {
        continue;
      }
      switch (kind) {
        case GLOBAL_POLICY -> global = (GlobalPolicy) value;
        case GLOBAL_ALLOW -> gAllow.add((ListEntry) value);
        case GLOBAL_DENY -> gDeny.add((ListEntry) value);
        case GLOBAL_LIMIT -> gLimits.add((LimitEntry) value);
        case APP_POLICY -> policies.put(p[1], (AppPolicy) value);
        case APP_LIMIT -> limits.computeIfAbsent(p[1], k -> new ArrayList<>()).add((LimitEntry) value);
        case APP_ALLOW -> allow.computeIfAbsent(p[1], k -> new ArrayList<>()).add((ListEntry) value);
        case APP_DENY -> deny.computeIfAbsent(p[1], k -> new ArrayList<>()).add((ListEntry) value);
        default -> throw new IllegalStateException(kind.name());
      }
    }
    parsed.keySet().retainAll(present);
    lastGood.keySet().retainAll(present);
    Set<String> apps = new HashSet<>();
    apps.addAll(policies.keySet());
    apps.addAll(limits.keySet());
    apps.addAll(allow.keySet());
    apps.addAll(deny.keySet());
    Map<String, AppConfig> appConfigs = new TreeMap<>();
    for (String app : apps) {
      appConfigs.put(app, new AppConfig(app, policies.getOrDefault(app, AppPolicy.DEFAULT),
          limits.getOrDefault(app, List.of()), allow.getOrDefault(app, List.of()), deny.getOrDefault(app, List.of())));
    }
    return new ConfigSnapshot(global, gAllow, gDeny, gLimits, appConfigs, version);
  }

  private enum Kind { GLOBAL_POLICY, GLOBAL_ALLOW, GLOBAL_DENY, GLOBAL_LIMIT, APP_POLICY, APP_LIMIT, APP_ALLOW, APP_DENY }

  /** Which document a path holds, or null for folders and znodes that are not config. */
  private static Kind classify(String[] p) {
    if (p.length == 2 && p[0].equals("global") && p[1].equals("policy")) {
      return Kind.GLOBAL_POLICY;
    }
    if (p.length == 4 && p[0].equals("global") && p[1].equals("allow")) {
      return Kind.GLOBAL_ALLOW;
    }
    if (p.length == 4 && p[0].equals("global") && p[1].equals("deny")) {
      return Kind.GLOBAL_DENY;
    }
    if (p.length == 3 && p[0].equals("global") && p[1].equals("limits")) {
      return Kind.GLOBAL_LIMIT;
    }
    if (p.length >= 3 && p[0].equals("apps")) {
      if (p.length == 3 && p[2].equals("policy")) {
        return Kind.APP_POLICY;
      }
      if (p.length == 4 && p[2].equals("limits")) {
        return Kind.APP_LIMIT;
      }
      if (p.length == 5 && p[2].equals("allow")) {
        return Kind.APP_ALLOW;
      }
      if (p.length == 5 && p[2].equals("deny")) {
        return Kind.APP_DENY;
      }
    }
    return null;
  }

  private Object parse(Node n, Kind kind, String[] p) {
    Parsed cached = parsed.get(n.path());
    if (cached == null || cached.mzxid() != n.mzxid()) {
      cached = parseFresh(n, kind, p);
      parsed.put(n.path(), cached);
      if (cached.error() != null) {
        invalidDocuments++;
      } else {
        lastGood.put(n.path(), cached.value());
      }
    }
    if (cached.error() != null) {
      Object good = lastGood.get(n.path());
      problems.put(n.path(), cached.error() + (good == null ? " (ignored: no earlier good version)"
          : " (last good version stays in force)"));
      return good;
    }
    return cached.value();
  }

  private Parsed parseFresh(Node n, Kind kind, String[] p) {
    try {
      if (kind == Kind.APP_POLICY || kind == Kind.APP_LIMIT || kind == Kind.APP_ALLOW || kind == Kind.APP_DENY) {
        paths.app(p[1]); // validates the app name in the path
      }
      Object value = switch (kind) {
        case GLOBAL_POLICY -> codec.readGlobalPolicy(n.data(), n.path());
        case APP_POLICY -> codec.readAppPolicy(n.data(), n.path());
        case APP_LIMIT, GLOBAL_LIMIT -> checkName(codec.readLimitEntry(n.data(), n.path()), p[p.length - 1], n.path());
        default -> guarded(checkName(codec.readListEntry(n.data(), n.path()), p[p.length - 1], n.path()),
            kind == Kind.GLOBAL_ALLOW || kind == Kind.APP_ALLOW ? ListKind.ALLOW : ListKind.DENY, n.path());
      };
      return new Parsed(n.mzxid(), value, null);
    } catch (IllegalArgumentException e) {
      return new Parsed(n.mzxid(), null, e.getMessage());
    }
  }

  /**
   * An entry wider than the blast-radius guard allows is enforced only if an admin forced it (the API
   * and the CLI write {@code forced}); one written otherwise (zkCli, a script) is reported as a problem
   * of its znode and not enforced.
   */
  private static ListEntry guarded(ListEntry e, ListKind kind, String path) {
    String refusal = BlastRadius.DEFAULT.listRefusal(kind, e.cidr());
    if (refusal != null && e.forced() == null) {
      throw new IllegalArgumentException("not enforced: " + path + " holds " + refusal + ", and no admin forced it"
          + " (the API or the CLI with force writes \"forced\": \"<why>\")");
    }
    return e;
  }

  private static <T> T checkName(T doc, String name, String path) {
    Cidr named = ZkPaths.parseEntryName(name);
    Cidr actual = doc instanceof LimitEntry l ? l.cidr() : ((ListEntry) doc).cidr();
    if (!named.equals(actual)) {
      throw new IllegalArgumentException("invalid document at " + path + ": the znode names " + named
          + " but its cidr is " + actual);
    }
    return doc;
  }
}
