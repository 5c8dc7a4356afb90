package dev.portcullis.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.transport.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;

class RedisSecurityTest {

  @TempDir
  Path tmp;

  @Test
  void aUserWithoutAPassword_andTlsFilesWithoutTls_areRefused() {
    assertThatThrownBy(() -> new RedisSecurity("aggregator", null, false, null, null, null))
        .hasMessageContaining("redis user aggregator needs a password");
    assertThatThrownBy(() -> new RedisSecurity(null, null, false, tmp.resolve("ca.pem"), null, null))
        .hasMessageContaining("need tls: true");
    assertThatThrownBy(() -> new RedisSecurity(null, null, true, null, tmp.resolve("c.p12"), null))
        .hasMessageContaining("needs a keyStorePassword");
  }

  @Test
  void thePasswordIsReadWhenConnecting_andNeverShown() throws Exception {
    Path pw = Files.writeString(tmp.resolve("pw"), "r3dis-pw\n");
    RedisSecurity s = new RedisSecurity("aggregator", new Secret("file:" + pw), false, null, null, null);
    DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder();
    s.applyTo(b);
    DefaultJedisClientConfig c = b.build();
    assertThat(c.getUser()).isEqualTo("aggregator");
    assertThat(c.getPassword()).isEqualTo("r3dis-pw");
    RedisEndpoints e = new RedisEndpoints(List.of("127.0.0.1:6379"), false, 2000, s);
    assertThat(s.toString() + e).doesNotContain("r3dis-pw").contains("file:" + pw);
    assertThat(e.toString()).isEqualTo("aggregator@127.0.0.1:6379");
  }

  @Test
  void aCaFileWithoutACertificate_isNamed() throws Exception {
    Path ca = Files.writeString(tmp.resolve("ca.pem"), "not a certificate");
    RedisSecurity s = new RedisSecurity(null, null, true, ca, null, null);
    assertThatThrownBy(() -> s.applyTo(DefaultJedisClientConfig.builder())).hasMessageContaining(ca.toString());
  }
}
