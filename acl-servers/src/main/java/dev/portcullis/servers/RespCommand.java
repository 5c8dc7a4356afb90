package dev.portcullis.servers;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One Redis command over a fresh loopback connection, in RESP2, for setting servers up (forming a
 * cluster, asking its state). It keeps this module free of a Redis client library; the components
 * use Jedis.
 */
final class RespCommand {

  private static final int TIMEOUT_MILLIS = 2_000;

  private RespCommand() {}

  /**
   * Sends {@code args} as one command to 127.0.0.1:{@code port} and returns the reply: a simple or
   * bulk string, or an integer as text.
   *
   * @throws IllegalStateException with the server's message if it answers with an error
   * @throws UncheckedIOException if the server cannot be reached or closes the connection
   */
  static String call(int port, String... args) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
      s.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = s.getOutputStream();
      out.write(encode(args));
      out.flush();
      return readReply(new DataInputStream(s.getInputStream()), String.join(" ", args));
    } catch (IOException e) {
      throw new UncheckedIOException("redis at 127.0.0.1:" + port + " did not answer " + args[0] + ": " + e, e);
    }
  }

  static byte[] encode(String... args) {
    StringBuilder b = new StringBuilder().append('*').append(args.length).append("\r\n");
    for (String a : args) {
      byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
      b.append('$').append(bytes.length).append("\r\n").append(a).append("\r\n");
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String readReply(DataInputStream in, String command) throws IOException {
    int type = in.read();
    String line = readLine(in);
    switch (type) {
      case '+', ':':
        return line;
      case '-':
        throw new IllegalStateException("redis refused " + command + ": " + line);
      case '$':
        int len = Integer.parseInt(line);
        if (len < 0) {
          return null;
        }
        byte[] bulk = new byte[len];
        in.readFully(bulk);
        readLine(in);
        return new String(bulk, StandardCharsets.UTF_8);
      default:
        throw new IOException("unexpected reply type " + type + " to " + command);
    }
  }

  private static String readLine(DataInputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed mid-reply");
      }
      if (c != '\r') {
        line.write(c);
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
