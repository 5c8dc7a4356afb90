package dev.portcullis.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback ports for servers the tests and the demo start.
 *
 * <p>A port is handed out for a server that binds it a moment later (often in another process), so
 * nothing may take it in between. Asking the system for port 0 gives a port of its ephemeral range, the
 * range it also takes the local port of every outgoing connection from (32768-60999 on Linux,
 * 49152-65535 on macOS and Windows): a busy test JVM's Kafka and Redis clients could take it first, and
 * two calls in a row could get the same one. So ports come from {@value #FIRST}-{@value #LAST} instead,
 * below those ranges, taken in turn from a cursor that starts at a place drawn from the process id (so
 * that JVMs running at once start apart): one process never hands out the same port twice until it has
 * gone round the {@value #SPAN} ports, and each is checked free before it is handed out. The cursor is
 * the one piece of mutable state shared by the whole process, as the ports it hands out are.
 */
public final class Ports {

  static final int FIRST = 20_000;
  static final int LAST = 32_499;
  static final int SPAN = LAST - FIRST + 1;
  private static final AtomicInteger NEXT =
      new AtomicInteger((int) Math.floorMod(ProcessHandle.current().pid() * 7_919L, (long) SPAN));

  private Ports() {}

  /** A port of 127.0.0.1 that was free a moment ago and that this process has not handed out before (see above). */
  public static int freeLoopbackPort() {
    for (int tried = 0; tried < SPAN; tried++) {
      int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), SPAN);
      if (bindable(port)) {
        return port;
      }
    }
    throw new UncheckedIOException(new IOException("no free loopback port in " + FIRST + "-" + LAST));
  }

  /** {@code count} distinct ports that were free on 127.0.0.1 a moment ago, for a server that binds several at once. */
  public static int[] freeLoopbackPorts(int count) {
    int[] ports = new int[count];
    for (int i = 0; i < count; i++) {
      ports[i] = freeLoopbackPort();
    }
    return ports;
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // as the servers bind: a port whose last connection is in TIME_WAIT is free for them
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
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
