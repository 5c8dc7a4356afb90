package dev.portcullis.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollingTest {

  @Test
  void await_returnsOnceTheConditionHolds_andFailsTheConditionsOnTheWay() {
    AtomicInteger calls = new AtomicInteger();
    Polling.await("the third call", Duration.ofSeconds(10), () -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("not yet");
      }
      return calls.get() >= 3;
    });
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void await_timesOutNamingWhatItWaitedForWithTheLastFailureAsCause() {
    assertThatThrownBy(() -> Polling.await("a miracle", Duration.ofMillis(100), () -> {
      throw new IllegalArgumentException("still no miracle");
    })).isInstanceOf(IllegalStateException.class).hasMessageContaining("waiting for a miracle")
        .hasRootCauseMessage("still no miracle");
  }

  @Test
  void deleteRecursively_removesAFolderTreeAndIgnoresOneThatIsGone() throws Exception {
    Path dir = Files.createTempDirectory("portcullis-folders-test");
    Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(dir.resolve("a/b/c.txt"), "x");
    Folders.deleteRecursively(dir);
    assertThat(dir).doesNotExist();
    Folders.deleteRecursively(dir);
    Folders.deleteRecursively(null);
  }
}
