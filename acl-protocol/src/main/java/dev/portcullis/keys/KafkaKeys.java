package dev.portcullis.keys;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;

/**
 * The Kafka record keys, partitions and topic names. {@code acl.access} is keyed {@code <app>|<ip>}
 * and partitioned by {@link #accessPartition}: by app and the address's IPv4 /24 or IPv6 /64 block, so
 * that one IP of one app always lands on one partition and so do its neighbours, whose prefix windows
 * the aggregator can then count where the records are. {@code acl.notices} is keyed
 * {@code <app>|<target>} so that a re-issue replaces the old notice under compaction and a tombstone
 * releases it.
 */
public final class KafkaKeys {

  public static final String ACCESS_TOPIC = "acl.access";
  public static final String ACCESS_DLQ_TOPIC = "acl.access.dlq";
  public static final String NOTICES_TOPIC = "acl.notices";
  public static final String AUDIT_TOPIC = "acl.audit";

  /** The app of a notice that applies to every app. */
  public static final String ALL_APPS = "*";

  private static final char SEP = '|';

  private KafkaKeys() {}

  /** Key of an access event: {@code <app>|<ip>}. */
  public static String access(String app, IpAddress ip) {
    Identifiers.requireApp("app", app);
    return app + SEP + ip;
  }

  /**
   * The key of an access event as a value: the app and the address, unparsed. A producer that sends
   * it (the client's emitter) lets the partitioner place the record by the address's bits, without
   * rendering the key as text and parsing it back; it goes on the wire as {@link #toString()}.
   */
  public record AccessKey(String app, IpAddress ip) {

    public AccessKey {
      Identifiers.requireApp("app", app);
      if (ip == null) {
        throw new IllegalArgumentException("ip must not be null");
      }
    }

    /** {@link #accessPartition} of this key among {@code partitions}. */
    public int partition(int partitions) {
      return accessPartition(app, ip, partitions);
    }

    /** The wire form, {@code <app>|<ip>}, as {@link #access} builds it. */
    @Override
    public String toString() {
      return app + SEP + ip;
    }
  }

  /** Length of the IPv4 block that {@link #accessPartition} keeps on one partition. */
  public static final int ACCESS_PARTITION_V4_BLOCK = 24;
  /** Length of the IPv6 block that {@link #accessPartition} keeps on one partition. */
  public static final int ACCESS_PARTITION_V6_BLOCK = 64;

  /**
   * The partition of {@code acl.access} (of {@code partitions}) for an access of {@code app} from
   * {@code ip}: a hash of the app and the address's /24 (IPv4) or /64 (IPv6) block. Clients send with
   * it (a producer using Kafka's default partitioner loses nothing: the aggregator then sends its
   * records to this partition through its repartition topic, at a cost).
   */
  public static int accessPartition(String app, IpAddress ip, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
    }
    // the two families' blocks are told apart by the top bit (an IPv4 /24 block is below 2^24)
    long block = ip.isV4() ? ip.low() >>> (32 - ACCESS_PARTITION_V4_BLOCK) : ip.high() | Long.MIN_VALUE;
    long z = StableHash.mix(app.hashCode() * 0x9E3779B97F4A7C15L + block);
    return (int) Math.floorMod(z, (long) partitions);
  }

  /** {@link #accessPartition} of an access key {@code <app>|<ip>}, or -1 if the key is not one. */
  public static int accessPartitionOfKey(String key, int partitions) {
    int bar = key == null ? -1 : key.lastIndexOf(SEP);
    IpAddress ip = bar > 0 ? IpAddress.tryParse(key.substring(bar + 1)) : null;
    return ip == null ? -1 : accessPartition(key.substring(0, bar), ip, partitions);
  }

  /**
   * Key of a prefix count on the aggregator's rekeyed topic: {@code <app>|<prefix>}, the prefix in
   * CIDR notation. The app comes from a decoded access event (already validated); nothing is checked
   * here, on the aggregator's per-record path.
   */
  public static String rekeyedPrefix(String app, Cidr prefix) {
    return app + SEP + prefix;
  }

  /**
   * Key of a quota count on the aggregator's rekeyed topic: {@code <app>|<caller>|<iface>}, whose
   * {@code <caller>|<iface>} is the member of the Redis quota day. Parts from a decoded access event
   * (already validated: labels never hold {@code |}); nothing is checked here.
   */
  public static String rekeyedQuota(String app, String caller, String iface) {
    return app + SEP + caller + SEP + iface;
  }

  /** Key of an intercept notice: {@code <app>|<target>}, target compact (bare IP for a single address). */
  public static String notice(String app, Cidr target) {
    if (!ALL_APPS.equals(app)) {
      Identifiers.requireApp("app", app);
    }
    return app + SEP + target.toCompactString();
  }

  /** Prefix of the rest of a quota notice's key. */
  public static final String QUOTA_PREFIX = "quota:";

  /** Key of a quota notice: {@code <app>|quota:<caller>|<iface>} (labels never contain '|'). */
  public static String quotaNotice(String app, String caller, String iface) {
    return Identifiers.requireApp("app", app) + SEP + QUOTA_PREFIX + Identifiers.requireLabel("caller", caller) + SEP
        + Identifiers.requireLabel("iface", iface);
  }

  /** The two parts of a key. */
  public record Parts(String app, String rest) {}

  /**
   * Splits a notice key: {@code <app>|<target>}, or {@code <app>|quota:<caller>|<iface>} for a quota
   * notice ({@code rest} is then {@code quota:<caller>|<iface>}).
   *
   * @throws IllegalArgumentException if the key has neither shape
   */
  public static Parts splitNotice(String key) {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    int bar = key.indexOf(SEP);
    String rest = bar < 0 ? "" : key.substring(bar + 1);
    boolean ok;
    if (rest.startsWith(QUOTA_PREFIX)) {
      int second = rest.indexOf(SEP);
      ok = second > QUOTA_PREFIX.length() && second < rest.length() - 1 && rest.indexOf(SEP, second + 1) < 0;
    } else {
      ok = !rest.isEmpty() && rest.indexOf(SEP) < 0;
    }
    if (bar <= 0 || !ok) {
      throw new IllegalArgumentException("key \"" + key + "\" must be <app>|<target> or <app>|quota:<caller>|<iface>");
    }
    return new Parts(key.substring(0, bar), rest);
  }
}
