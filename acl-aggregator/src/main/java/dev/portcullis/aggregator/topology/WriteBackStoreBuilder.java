package dev.portcullis.aggregator.topology;

import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/** Builds a {@link WriteBackStore} around what {@code inner} builds (with its own cache disabled). */
final class WriteBackStoreBuilder implements StoreBuilder<WriteBackStore> {
  private final StoreBuilder<KeyValueStore<String, byte[]>> inner;
  private final CacheBudget budget;

  /** @param budget shared by every store built, and by the other builders of the worker's topology */
  WriteBackStoreBuilder(StoreBuilder<KeyValueStore<String, byte[]>> inner, CacheBudget budget) {
    this.inner = inner.withCachingDisabled();
    this.budget = budget;
  }

  @Override
  public StoreBuilder<WriteBackStore> withCachingEnabled() {
    return this;
  }

  @Override
  public StoreBuilder<WriteBackStore> withCachingDisabled() {
    return this;
  }

  @Override
  public StoreBuilder<WriteBackStore> withLoggingEnabled(Map<String, String> config) {
    inner.withLoggingEnabled(config);
    return this;
  }

  @Override
  public StoreBuilder<WriteBackStore> withLoggingDisabled() {
    inner.withLoggingDisabled();
    return this;
  }

  @Override
  public WriteBackStore build() {
    return new WriteBackStore(inner.build(), budget);
  }

  @Override
  public Map<String, String> logConfig() {
    return inner.logConfig();
  }

  @Override
  public boolean loggingEnabled() {
    return inner.loggingEnabled();
  }

  @Override
  public String name() {
    return inner.name();
  }
}
