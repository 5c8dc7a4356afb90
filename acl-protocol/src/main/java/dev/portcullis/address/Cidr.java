package dev.portcullis.address;

/**
 * An address block: a network address and a prefix length, e.g. {@code 10.0.0.0/8} or
 * {@code 2001:db8::/32}. A single address is the block of full length ({@code /32} or {@code /128}).
 *
 * <p>Host bits must be zero: {@code 10.0.0.1/8} is refused by {@link #parse} because an operator
 * who typed it may have meant {@code 10.0.0.1/32} or {@code 10.0.0.0/8}, and guessing wrong widens
 * or narrows a rule silently. {@link #parseLenient} exists for callers that explicitly want the
 * host bits cleared (for example, computing the /24 of an observed address).
 *
 * <p>An IPv4-mapped IPv6 block ({@code ::ffff:10.0.0.0/104}) is normalised to IPv4 ({@code 10.0.0.0/8}).
 */
public record Cidr(IpAddress network, int prefix) {

  public Cidr {
    if (network == null) {
      throw new IllegalArgumentException("network must not be null");
    }
    network.checkPrefix(prefix);
    if (network.hasHostBits(prefix)) {
      throw new IllegalArgumentException(
          "\"" + network + "/" + prefix + "\" has host bits set; the block is " + network.mask(prefix) + "/" + prefix);
    }
  }

  /** The block holding exactly this address. */
  public static Cidr of(IpAddress address) {
    return new Cidr(address, address.bits());
  }

  /** The block of this prefix length that contains {@code address} (host bits cleared). */
  public static Cidr covering(IpAddress address, int prefix) {
    return new Cidr(address.mask(prefix), prefix);
  }

  /**
   * Parses {@code address} or {@code address/prefix}; host bits must be zero.
   *
   * @throws IllegalArgumentException naming the text and the rule it breaks
   */
  public static Cidr parse(String text) {
    return parse(text, false);
  }

  /** Parses like {@link #parse} but clears host bits instead of refusing them. */
  public static Cidr parseLenient(String text) {
    return parse(text, true);
  }

  private static Cidr parse(String text, boolean clearHostBits) {
    if (text == null) {
      throw new IllegalArgumentException("CIDR must not be null");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      return of(IpAddress.parse(text));
    }
    if (text.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException("\"" + text + "\" is not a CIDR: more than one '/'");
    }
    String addressPart = text.substring(0, slash);
    String prefixPart = text.substring(slash + 1);
    AddressParser.Result parsed = AddressParser.parse(addressPart);
    if (parsed.error() != null) {
      throw new IllegalArgumentException("\"" + text + "\" is not a CIDR: " + parsed.error());
    }
    IpAddress address = parsed.address();
    boolean mapped = addressPart.indexOf(':') >= 0 && address.isV4();
    int prefix = parsePrefix(text, prefixPart);
    int max = mapped ? 128 : address.bits();
    if (prefix > max) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a CIDR: prefix length " + prefix + " is out of range 0-" + max);
    }
    if (mapped) {
      if (prefix < 96) {
        throw new IllegalArgumentException(
            "\"" + text + "\" is not a CIDR: an IPv4-mapped block needs a prefix of at least 96");
      }
      prefix -= 96;
    }
    if (!clearHostBits && address.hasHostBits(prefix)) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a CIDR: host bits are set (did you mean " + address.mask(prefix) + "/" + prefix
              + " or " + address + "/" + address.bits() + "?)");
    }
    return new Cidr(address.mask(prefix), prefix);
  }

  private static int parsePrefix(String text, String prefixPart) {
    if (prefixPart.isEmpty() || prefixPart.length() > 3) {
      throw new IllegalArgumentException("\"" + text + "\" is not a CIDR: prefix length must be 1 to 3 digits");
    }
    int prefix = 0;
    for (int i = 0; i < prefixPart.length(); i++) {
      char c = prefixPart.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("\"" + text + "\" is not a CIDR: prefix length \"" + prefixPart + "\" is not a number");
      }
      prefix = prefix * 10 + (c - '0');
    }
    if (prefixPart.length() > 1 && prefixPart.charAt(0) == '0') {
      throw new IllegalArgumentException("\"" + text + "\" is not a CIDR: prefix length has a leading zero");
    }
    return prefix;
  }

  /** True iff this block holds exactly one address. */
  public boolean isSingleAddress() {
    return prefix == network.bits();
  }

  /** True iff {@code address} lies in this block (always false across families). Allocation-free. */
  public boolean contains(IpAddress address) {
    if (address.family() != network.family()) {
      return false;
    }
    if (network.isV4()) {
      return (address.low() & IpAddress.v4Mask(prefix)) == network.low();
    }
    return (address.high() & IpAddress.highMask(prefix)) == network.high()
        && (address.low() & IpAddress.lowMask(prefix)) == network.low();
  }

  /** True iff every address of {@code other} lies in this block. */
  public boolean contains(Cidr other) {
    return other.prefix >= prefix && contains(other.network);
  }

  /**
   * Compact canonical text: the bare address for a single-address block ({@code 203.0.113.7}),
   * else {@code network/prefix}. Used where a target is shown or keyed.
   */
  public String toCompactString() {
    return isSingleAddress() ? network.toString() : toString();
  }

  /** Canonical text: {@code network/prefix}, always with the prefix. */
  @Override
  public String toString() {
    return network + "/" + prefix;
  }
}
