package dev.portcullis.servers;

/** A running ZooKeeper server on loopback that can be stopped and restarted on the same port. */
public interface ZooKeeper extends AutoCloseable {

  String connectString();

  /** Stops the server, keeping its data; clients see a disconnection. */
  void stop();

  /** Starts a stopped server again on the same port with the same data. */
  void restart();

  String describe();

  @Override
  void close();
}
