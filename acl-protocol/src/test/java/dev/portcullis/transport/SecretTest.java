package dev.portcullis.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {

  @Test
  void aFileReference_readsTheFileWithoutItsTrailingLineBreak(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("zk-admin");
    Files.writeString(f, "admin:s3cret\n");
    assertThat(new Secret("file:" + f).value()).isEqualTo("admin:s3cret");
  }

  @Test
  void anEnvironmentReference_readsTheVariable() {
    assertThat(new Secret("env:PC_PW").value(Secret.environment(Map.of("PC_PW", "pw-1")))).isEqualTo("pw-1");
  }

  @Test
  void aLiteral_isRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> new Secret("admin:hunter2")).hasMessageContaining("file:/path or env:NAME")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void aMissingOrEmptySource_isNamedButNeverItsValue(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> new Secret("env:PC_NONE").value(Secret.environment(Map.of())))
        .hasMessageContaining("env:PC_NONE is not set");
    assertThatThrownBy(() -> new Secret("file:" + dir.resolve("absent")).value()).hasMessageContaining("cannot be read");
    Path empty = Files.writeString(dir.resolve("empty"), "");
    assertThatThrownBy(() -> new Secret("file:" + empty).value()).hasMessageContaining("is empty");
  }

  @Test
  void toString_isTheReferenceOnly(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("pw"), "hunter2");
    Secret s = new Secret("file:" + f);
    assertThat(s.value()).isEqualTo("hunter2");
    assertThat(s.toString()).isEqualTo("file:" + f);
  }
}
