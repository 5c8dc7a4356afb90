package dev.portcullis.servers;

/** A running standalone Redis on loopback that can be stopped and started again on the same port. */
public interface Redis extends AutoCloseable {

  String host();

  int port();

  /** Stops the server; its data is lost (no persistence). */
  void stop();

  /** Starts a stopped server again on the same port. */
  void start();

  String describe();

  @Override
  void close();
}
