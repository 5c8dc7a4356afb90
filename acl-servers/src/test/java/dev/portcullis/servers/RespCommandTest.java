package dev.portcullis.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The one-command RESP client the servers use to form a cluster, against a scripted loopback peer. */
class RespCommandTest {

  /** Serves one connection: reads one command, answers {@code reply}, returns what it read. */
  private static CompletableFuture<String> peer(ServerSocket server, String reply) {
    return CompletableFuture.supplyAsync(() -> {
      try (Socket s = server.accept()) {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n = in.read(buf);
        got.write(buf, 0, n);
        OutputStream out = s.getOutputStream();
        out.write(reply.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return got.toString(StandardCharsets.UTF_8);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void encode_writesAnArrayOfBulkStrings() {
    assertThat(new String(RespCommand.encode("CLUSTER", "MEET", "127.0.0.1", "7001"), StandardCharsets.UTF_8))
        .isEqualTo("*4\r\n$7\r\nCLUSTER\r\n$4\r\nMEET\r\n$9\r\n127.0.0.1\r\n$4\r\n7001\r\n");
  }

  @Test
  void call_returnsSimpleBulkAndIntegerReplies() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> got = peer(server, "+OK\r\n");
      assertThat(RespCommand.call(server.getLocalPort(), "PING")).isEqualTo("OK");
      assertThat(got.get()).isEqualTo("*1\r\n$4\r\nPING\r\n");
      peer(server, "$17\r\ncluster_state:ok\n\r\n");
      assertThat(RespCommand.call(server.getLocalPort(), "CLUSTER", "INFO")).isEqualTo("cluster_state:ok\n");
      peer(server, ":3\r\n");
      assertThat(RespCommand.call(server.getLocalPort(), "DBSIZE")).isEqualTo("3");
    }
  }

  @Test
  void anErrorReply_isThrownWithTheServersMessage() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      peer(server, "-ERR Slot 5 is already busy\r\n");
      assertThatThrownBy(() -> RespCommand.call(server.getLocalPort(), "CLUSTER", "ADDSLOTS", "5"))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("Slot 5 is already busy")
          .hasMessageContaining("CLUSTER ADDSLOTS 5");
    }
  }

  @Test
  void nobodyListening_isAnUncheckedIoErrorNamingThePort() {
    int port = Ports.freeLoopbackPort();
    assertThatThrownBy(() -> RespCommand.call(port, "PING")).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("127.0.0.1:" + port);
  }
}
