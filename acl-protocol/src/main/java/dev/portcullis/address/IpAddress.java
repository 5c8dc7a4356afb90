package dev.portcullis.address;

/**
 * An IPv4 or IPv6 address as a value: two longs and a family, never a string.
 *
 * <p>An IPv4 address keeps its 32 bits in the low half of {@link #low()} with {@link #high()} zero.
 * An IPv6 address keeps its upper 64 bits in {@code high} and its lower 64 bits in {@code low}.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) are normalised to IPv4 on parsing, so that
 * the same client seen through a dual-stack socket and through an IPv4 socket is one address.
 *
 * <p>Instances are immutable and thread-safe. {@link #toString()} is the canonical text form:
 * dotted quad for IPv4 and RFC 5952 (lower case, longest zero run compressed) for IPv6.
 *
 * @param family IPv4 or IPv6
 * @param high   upper 64 bits of an IPv6 address; zero for IPv4
 * @param low    lower 64 bits of an IPv6 address; the 32 address bits for IPv4
 */
public record IpAddress(Family family, long high, long low) implements Comparable<IpAddress> {

  /** Address families, with their width in bits. */
  public enum Family {
    IPV4(32),
    IPV6(128);

    private final int bits;

    Family(int bits) {
      this.bits = bits;
    }

    /** Width of an address of this family in bits. */
    public int bits() {
      return bits;
    }
  }

  public IpAddress {
    if (family == null) {
      throw new IllegalArgumentException("family must not be null");
    }
    if (family == Family.IPV4 && (high != 0 || (low >>> 32) != 0)) {
      throw new IllegalArgumentException(
          "an IPv4 address must fit in 32 bits, was high=" + high + " low=" + low);
    }
  }

  /** The IPv4 address with these 32 bits (big-endian: {@code 0x0A000001} is 10.0.0.1). */
  public static IpAddress ofV4(int bits) {
    return new IpAddress(Family.IPV4, 0L, bits & 0xFFFF_FFFFL);
  }

  /** The IPv6 address with these 128 bits; an IPv4-mapped address becomes IPv4. */
  public static IpAddress ofV6(long high, long low) {
    if (high == 0 && (low >>> 32) == 0xFFFFL) {
      return new IpAddress(Family.IPV4, 0L, low & 0xFFFF_FFFFL);
    }
    return new IpAddress(Family.IPV6, high, low);
  }

  /**
   * Parses an IPv4 or IPv6 address in its text form (no brackets, no zone, no port, no prefix).
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static IpAddress parse(String text) {
    AddressParser.Result r = AddressParser.parse(text);
    if (r.error() != null) {
      throw new IllegalArgumentException(r.error());
    }
    return r.address();
  }

  /** Parses like {@link #parse} but returns {@code null} instead of throwing; for hot paths. */
  public static IpAddress tryParse(CharSequence text) {
    return AddressParser.parse(text).address();
  }

  public boolean isV4() {
    return family == Family.IPV4;
  }

  public boolean isV6() {
    return family == Family.IPV6;
  }

  /** Width of this address in bits: 32 or 128. */
  public int bits() {
    return family.bits();
  }

  /** The 32 bits of an IPv4 address. */
  public int v4Bits() {
    if (!isV4()) {
      throw new IllegalStateException(this + " is not an IPv4 address");
    }
    return (int) low;
  }

  /** This address with every bit after the first {@code prefix} bits cleared. */
  public IpAddress mask(int prefix) {
    checkPrefix(prefix);
    if (isV4()) {
      return new IpAddress(family, 0, low & v4Mask(prefix));
    }
    return new IpAddress(family, high & highMask(prefix), low & lowMask(prefix));
  }

  /** True iff any bit after the first {@code prefix} bits is set. */
  boolean hasHostBits(int prefix) {
    return !mask(prefix).equals(this);
  }

  void checkPrefix(int prefix) {
    if (prefix < 0 || prefix > bits()) {
      throw new IllegalArgumentException(
          "prefix length must be between 0 and " + bits() + " for " + family + ", was " + prefix);
    }
  }

  static long v4Mask(int prefix) {
    return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
  }

  static long highMask(int prefix) {
    if (prefix >= 64) {
      return -1L;
    }
    return prefix == 0 ? 0L : -1L << (64 - prefix);
  }

  static long lowMask(int prefix) {
    if (prefix <= 64) {
      return 0L;
    }
    return prefix == 128 ? -1L : -1L << (128 - prefix);
  }

  @Override
  public int compareTo(IpAddress o) {
    int c = family.compareTo(o.family);
    if (c != 0) {
      return c;
    }
    c = Long.compareUnsigned(high, o.high);
    return c != 0 ? c : Long.compareUnsigned(low, o.low);
  }

  @Override
  public String toString() {
    return AddressFormatter.format(this);
  }
}
