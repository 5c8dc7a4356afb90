package dev.portcullis.client.decide;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import java.util.Arrays;

/**
 * Address blocks in columns: for block {@code i} its network's bits ({@link #hi}, {@link #lo}; an
 * IPv4 block holds its 32 bits in {@code lo}, as {@link IpAddress} does), its prefix length and its
 * family. A million blocks cost 17 MB here, against ~90 MB as {@link Cidr} objects; the range tables
 * are compiled from these columns without an object per block.
 *
 * <p>Design note. The columns are filled by one thread ({@link #add}) and then only read; whoever
 * publishes a filled instance to other threads does so through a final or volatile field.
 */
final class Blocks {

  /** Added to an IPv4 block's prefix length in {@link #prefix}: IPv6 lengths are 0-128, IPv4 129-161. */
  private static final int V4 = 129;

  private int size;
  private long[] hi;
  private long[] lo;
  private byte[] prefix; // unsigned: the prefix length, plus V4 for IPv4 blocks

  Blocks(int expected) {
    int n = Math.max(4, expected);
    hi = new long[n];
    lo = new long[n];
    prefix = new byte[n];
  }

  /** Adds a block; returns its index. */
  int add(Cidr block) {
    IpAddress n = block.network();
    return add(n.isV4(), n.high(), n.low(), block.prefix());
  }

  /**
   * Adds a block given by its bits (host bits must be zero: the caller has checked, as {@link Cidr}
   * does); returns its index.
   */
  int add(boolean v4, long networkHi, long networkLo, int prefixLength) {
    if (size == hi.length) {
      int n = size + (size >> 1) + 1;
      hi = Arrays.copyOf(hi, n);
      lo = Arrays.copyOf(lo, n);
      prefix = Arrays.copyOf(prefix, n);
    }
    hi[size] = networkHi;
    lo[size] = networkLo;
    prefix[size] = (byte) (prefixLength + (v4 ? V4 : 0));
    return size++;
  }

  /** Makes room for {@code n} blocks in all. */
  void ensureCapacity(int n) {
    if (n > hi.length) {
      hi = Arrays.copyOf(hi, n);
      lo = Arrays.copyOf(lo, n);
      prefix = Arrays.copyOf(prefix, n);
    }
  }

  /** Frees the spare room of the columns; call once filled. */
  Blocks trim() {
    if (hi.length != size) {
      hi = Arrays.copyOf(hi, size);
      lo = Arrays.copyOf(lo, size);
      prefix = Arrays.copyOf(prefix, size);
    }
    return this;
  }

  int size() {
    return size;
  }

  boolean v4(int i) {
    return (prefix[i] & 0xFF) >= V4;
  }

  int prefix(int i) {
    int p = prefix[i] & 0xFF;
    return p >= V4 ? p - V4 : p;
  }

  long hi(int i) {
    return hi[i];
  }

  long lo(int i) {
    return lo[i];
  }

  /** The last address of block {@code i}: high word. */
  long endHi(int i) {
    if (v4(i)) {
      return 0;
    }
    int host = 128 - prefix(i);
    return hi[i] | (host >= 128 ? -1L : host > 64 ? (1L << (host - 64)) - 1 : 0);
  }

  /** The last address of block {@code i}: low word (for IPv4, the 32 bits). */
  long endLo(int i) {
    int host = (v4(i) ? 32 : 128) - prefix(i);
    if (v4(i)) {
      return lo[i] | (host == 32 ? 0xFFFF_FFFFL : (1L << host) - 1);
    }
    return lo[i] | (host >= 64 ? -1L : host == 0 ? 0 : (1L << host) - 1);
  }

  boolean sameBlock(int i, int j) {
    return prefix[i] == prefix[j] && hi[i] == hi[j] && lo[i] == lo[j];
  }

  /** True iff block {@code outer} contains block {@code inner} (both of one family). */
  boolean contains(int outer, int inner) {
    int p = prefix(outer);
    if (p > prefix(inner)) {
      return false;
    }
    if (v4(outer)) {
      long mask = p == 0 ? 0 : (0xFFFF_FFFFL << (32 - p)) & 0xFFFF_FFFFL;
      return (lo[inner] & mask) == lo[outer];
    }
    long hiMask = p == 0 ? 0 : p >= 64 ? -1L : -1L << (64 - p);
    long loMask = p <= 64 ? 0 : p == 128 ? -1L : -1L << (128 - p);
    return (hi[inner] & hiMask) == hi[outer] && (lo[inner] & loMask) == lo[outer];
  }

  /** Block {@code i} as a {@link Cidr} (allocates: for decisions and messages, not lookups). */
  Cidr cidr(int i) {
    return new Cidr(v4(i) ? IpAddress.ofV4((int) lo[i]) : IpAddress.ofV6(hi[i], lo[i]), prefix(i));
  }
}
