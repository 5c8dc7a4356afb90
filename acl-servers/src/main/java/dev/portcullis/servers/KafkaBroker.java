package dev.portcullis.servers;

/** A running Kafka broker in KRaft mode, reachable on loopback. */
public interface KafkaBroker extends AutoCloseable {

  /** The {@code bootstrap.servers} value for clients. */
  String bootstrapServers();

  /** Stops the broker, keeping its data and address; clients see it go away. */
  void stop();

  /** Starts a stopped broker again on the same address with the same data. */
  void restart();

  /** A short description for logs and failure messages. */
  String describe();

  @Override
  void close();
}
