package dev.portcullis.aggregator.flush;

/**
 * One absolute count to write: member {@code member} of the sorted set {@code key} has score
 * {@code count}; the key lives {@code ttlSeconds}.
 */
public record WindowWrite(String key, String member, long count, long ttlSeconds) {}
