package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The main job: the demo's story, bounded to 60 s, run in-process. Its output must show the scraper
 * denied and escalated, the subnet caught by the prefix rule and the admin's allow entry expiring,
 * and it must end by itself with everything stopped.
 */
class DemoIT {

  @Test
  void demoStory_showsEscalationPrefixCatchAndTtlExpiry() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = new Demo(out, Duration.ofSeconds(60), true).play();
    String text = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(text);
    assertThat(code).isZero();
    assertThat(text)
        .contains("intercept: 203.0.113.66 in 'shop' at level 1")
        .contains("intercept: 203.0.113.66 in 'shop' at level 2")
        .contains("intercept: 198.51.100.0/24 in 'shop' at level 1")
        .contains("operator: allowlisted admin 192.0.2.10 on 'proxy' for 20 s (HTTP 201)")
        .contains("the admin's 20 s allow entry expired")
        .contains("stopped.");
  }
}
