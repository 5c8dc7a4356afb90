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

  static final int FIRST = 22_768;
  static final int LAST = 32_499;
  static final int SPAN = LAST - FIRST + 1;
  /**
   * A Redis Cluster node (Redis 6) listens on its port and on its port + 10,000 (the cluster bus): such
   * ports come from {@value #FIRST_WITH_BUS}-{@value #LAST_WITH_BUS}, so that both stay below the ephemeral
   * range and out of the range above.
   */
  static final int FIRST_WITH_BUS = 10_000;
  static final int LAST_WITH_BUS = 12_767;
  static final int BUS_OFFSET = 10_000;
  private static final int SPAN_WITH_BUS = LAST_WITH_BUS - FIRST_WITH_BUS + 1;
  private static final AtomicInteger NEXT =
      new AtomicInteger((int) Math.floorMod(ProcessHandle.current().pid() * 7_919L, (long) SPAN));
  private static final AtomicInteger NEXT_WITH_BUS =
      new AtomicInteger((int) Math.floorMod(ProcessHandle.current().pid() * 7_919L, (long) SPAN_WITH_BUS));

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

  /**
   * A port for a Redis Cluster node: it and the port {@value #BUS_OFFSET} above it (its cluster bus) were free
   * on 127.0.0.1 a moment ago, both below the system's ephemeral range.
   */
  public static int freeLoopbackPortWithBus() {
    for (int tried = 0; tried < SPAN_WITH_BUS; tried++) {
      int port = FIRST_WITH_BUS + Math.floorMod(NEXT_WITH_BUS.getAndIncrement(), SPAN_WITH_BUS);
      if (bindable(port) && bindable(port + BUS_OFFSET)) {
        return port;
      }
    }
    throw new UncheckedIOException(new IOException("no free loopback port with its bus in " + FIRST_WITH_BUS + "-"
        + LAST_WITH_BUS));
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
