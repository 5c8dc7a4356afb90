package dev.portcullis.aggregator.topology;

/**
 * The key of one entry of the aggregator's window store: {@code <kind>|<app>|<member>}, where the
 * kind is one letter and the member may itself hold {@code |} (a quota's {@code caller|iface}).
 * The one place that writes and reads these keys; every key the store holds was made by
 * {@link #encode()} or {@link Kind#key(String)}.
 *
 * @param member an address ({@link Kind#ADDRESS}), a prefix ({@link Kind#PREFIX}), a task id
 *     ({@link Kind#TOTAL}), {@code task|node} ({@link Kind#NODE}) or {@code caller|iface} ({@link Kind#QUOTA}, {@link Kind#HELD_QUOTA})
 */
record StoreKey(Kind kind, String app, String member) {

  /** What an entry counts. */
  enum Kind {
    /** One address's 1 s and 1 min windows, flushed to the address windows. */
    ADDRESS('s'),
    /** One prefix's windows, summed in the prefix's home task, flushed to the prefix windows. */
    PREFIX('p'),
    /** What one task counted of a whole app, flushed to the app totals. */
    TOTAL('t'),
    /** What one task counted of one reporting node of an app (member {@code task|node}), flushed to the node windows. */
    NODE('n'),
    /** A caller's day on one interface, summed in its home task, flushed to the quota days. */
    QUOTA('q'),
    /** A caller's hours of one day on one interface (member {@code caller|iface|HH}, local hour since midnight), like QUOTA. */
    QUOTA_HOUR('r'),
    /** This task's share of a quota day, held to be sent on to the home task; never flushed. */
    HELD_QUOTA('u'),
    /** This task's share of a quota hour, held to be sent on to the home task; never flushed. */
    HELD_QUOTA_HOUR('v'),
    /**
     * This task's share of a prefix wider than the partitioning block (a /16, an IPv6 /48) per second,
     * held to be sent on to the prefix's home task once per flush interval; never flushed.
     */
    HELD_PREFIX('w'),
    /**
     * This task's own count of a wide prefix (member {@code prefix|task}), flushed as one member of the
     * app's prefix shares: the scanner sums a wide prefix's second from them a flush after its
     * requests, not an aggregator commit later as its own window ({@link #PREFIX}) has it.
     */
    PREFIX_SHARE('e');

    private final char code;
    private final String prefix;

    Kind(char code) {
      this.code = code;
      this.prefix = code + "|";
    }

    /**
     * The store key of {@code appAndMember}, a Kafka key of the form {@code <app>|<member>} (an
     * access key, a rekeyed prefix or quota key): one concatenation, no parsing, for the hot path.
     */
    String key(String appAndMember) {
      return prefix.concat(appAndMember);
    }

    /** True iff {@code storeKey} is of this kind. */
    boolean owns(String storeKey) {
      return storeKey.length() > 1 && storeKey.charAt(0) == code && storeKey.charAt(1) == '|';
    }

    /** True iff entries of this kind hold one day window (quotas), not 1 s and 1 min windows. */
    boolean daily() {
      return this == QUOTA || this == HELD_QUOTA || this == QUOTA_HOUR || this == HELD_QUOTA_HOUR;
    }

    /** True iff entries of this kind are a task's share held to be sent on (never flushed). */
    boolean held() {
      return this == HELD_QUOTA || this == HELD_QUOTA_HOUR || this == HELD_PREFIX;
    }

    static Kind of(char code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      return null;
    }
  }

  StoreKey {
    if (kind == null || app == null || app.isEmpty() || app.indexOf('|') >= 0 || member == null || member.isEmpty()) {
      throw new IllegalArgumentException("store key parts must be a kind, an app without '|' and a member, were "
          + kind + ", " + app + ", " + member);
    }
  }

  String encode() {
    return kind.prefix + app + '|' + member;
  }

  /**
   * The parts of a store key.
   *
   * @throws IllegalArgumentException if {@code storeKey} is not {@code <kind>|<app>|<member>} with a known kind
   */
  static StoreKey parse(String storeKey) {
    Kind kind = storeKey != null && storeKey.length() > 1 && storeKey.charAt(1) == '|' ? Kind.of(storeKey.charAt(0)) : null;
    int bar = kind == null ? -1 : storeKey.indexOf('|', 2);
    if (bar <= 2 || bar == storeKey.length() - 1) {
      throw new IllegalArgumentException("store key \"" + storeKey + "\" must be <kind>|<app>|<member> with kind one of s, p, t, n, q, r, u, v, w, e");
    }
    return new StoreKey(kind, storeKey.substring(2, bar), storeKey.substring(bar + 1));
  }

  /** The kind of a store key, read from its first letter; null if it has none of the known kinds. */
  static Kind kindOf(String storeKey) {
    return storeKey.length() > 1 && storeKey.charAt(1) == '|' ? Kind.of(storeKey.charAt(0)) : null;
  }
}
