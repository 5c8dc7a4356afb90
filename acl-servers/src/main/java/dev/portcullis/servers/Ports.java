package dev.portcullis.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports. */
public final class Ports {

  private Ports() {}

  /** A port that was free on 127.0.0.1 a moment ago. */
  public static int freeLoopbackPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /**
   * {@code count} distinct ports that were free on 127.0.0.1 a moment ago, for a server that binds several
   * at once: each is held open until all are found, so two are never the same (one call after another can
   * hand out the same port twice, the first having been closed).
   */
  public static int[] freeLoopbackPorts(int count) {
    ServerSocket[] held = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        held[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held[i].setReuseAddress(true);
        ports[i] = held[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no " + count + " free loopback ports", e);
    } finally {
      for (ServerSocket s : held) {
        if (s != null) {
          try {
            s.close();
          } catch (IOException ignored) {
            // it was only holding the port
          }
        }
      }
    }
  }

  /** True iff something accepts TCP connections on 127.0.0.1:port. */
  public static boolean isOpen(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
