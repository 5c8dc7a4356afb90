package dev.portcullis.client.emit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link AtomicLong} followed by a cache line of padding, so that a ring's producer index, its
 * consumer index and its drop counter, allocated one after the other, never share a cache line: the
 * consumer's writes to one would otherwise invalidate the line every producer reads the other from.
 */
final class PaddedIndex extends AtomicLong {

  private static final long serialVersionUID = 1L;

  // 7 longs: with the value, a 64-byte line to itself on the side that follows it
  @SuppressWarnings("unused")
  private long p1;
  @SuppressWarnings("unused")
  private long p2;
  @SuppressWarnings("unused")
  private long p3;
  @SuppressWarnings("unused")
  private long p4;
  @SuppressWarnings("unused")
  private long p5;
  @SuppressWarnings("unused")
  private long p6;
  @SuppressWarnings("unused")
  private long p7;
}
