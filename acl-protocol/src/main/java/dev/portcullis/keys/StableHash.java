package dev.portcullis.keys;

/**
 * The 64-bit mix (murmur3's finaliser) behind every stable placement: the partition of an access
 * record ({@link KafkaKeys#accessPartition}) and the Redis shard of an address. It is part of the
 * wire contract: a client and an aggregator of different versions must place an address alike.
 */
public final class StableHash {

  private StableHash() {}

  /** Mixes all 64 bits of {@code z} into all 64 bits of the result; the same on every JVM. */
  public static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
