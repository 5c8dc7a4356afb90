package dev.portcullis.servers;

import java.util.List;

/** A running Redis Cluster of three masters on loopback with all 16384 slots served. */
public interface RedisCluster extends AutoCloseable {

  /** The masters, as {@code host:port}. */
  List<String> nodes();

  String describe();

  @Override
  void close();
}
