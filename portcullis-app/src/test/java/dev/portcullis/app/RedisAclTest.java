package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.redis.RedisKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Redis ACL for the aggregator covers every key the aggregator writes: a key it does not
 * cover fails every flush that holds it (Redis answers NOPERM for that command, and the flush is retried
 * with a back-off), which a deployment following the README would only see in its logs. The wide
 * prefixes' shares ({@code ws}) were once missing. {@link SecuredStack} runs with the same lines.
 */
class RedisAclTest {

  private static final Path README = Path.of("..").toAbsolutePath().normalize().resolve("README.md");

  /** Every kind of key the aggregator writes (RedisKeys' own list), one of each. */
  private static Map<String, String> aggregatorKeys() {
    RedisKeys k = new RedisKeys();
    return Map.ofEntries(
        Map.entry("1 s address window", k.secondWindow("shop", 7, 1_796_000_000L)),
        Map.entry("1 min address window", k.minuteWindow("shop", 7, 29_933_333L)),
        Map.entry("1 s prefix window", k.prefixSecondWindow("shop", 7, 1_796_000_000L)),
        Map.entry("1 min prefix window", k.prefixMinuteWindow("shop", 7, 29_933_333L)),
        Map.entry("1 s app total", k.totalSecondWindow("shop", 1_796_000_000L)),
        Map.entry("1 min app total", k.totalMinuteWindow("shop", 29_933_333L)),
        Map.entry("1 s wide-prefix shares", k.prefixShareSecondWindow("shop", 1_796_000_000L)),
        Map.entry("1 s node window", k.nodeSecondWindow("shop", 1_796_000_000L)),
        Map.entry("1 min node window", k.nodeMinuteWindow("shop", 29_933_333L)),
        Map.entry("quota day", k.quotaDay("shop", 7, 20261207)),
        Map.entry("quota hours", k.quotaHours("shop", 7, 20261207)));
  }

  /** The key patterns ({@code ~pattern}) of the README's {@code ACL SETUSER <user>} line. */
  static List<String> readmePatterns(String user) throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    String line = readme.lines().filter(l -> l.startsWith("ACL SETUSER " + user + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("README.md has no 'ACL SETUSER " + user + "' line"));
    return patterns(line);
  }

  static List<String> patterns(String aclLine) {
    List<String> out = new ArrayList<>();
    for (String word : aclLine.split("\\s+")) {
      if (word.startsWith("~")) {
        out.add(word.substring(1));
      }
    }
    return out;
  }

  /** Redis's glob as the ACL uses it: {@code *} any characters, {@code ?} one; the rest literally. */
  static boolean matches(String glob, String key) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return key.matches(re.toString());
  }

  @Test
  void theReadmesAggregatorAcl_coversEveryKeyTheAggregatorWrites() throws IOException {
    List<String> allowed = readmePatterns("aggregator");
    assertThat(allowed).as("the aggregator's key patterns in the README").isNotEmpty();
    aggregatorKeys().forEach((what, key) -> assertThat(allowed.stream().anyMatch(p -> matches(p, key)))
        .as("the %s key %s is covered by one of %s", what, key, allowed).isTrue());
  }

  @Test
  void theReadmesAggregatorAcl_keepsItFromTheNotifiersKeys() throws IOException {
    List<String> allowed = readmePatterns("aggregator");
    RedisKeys k = new RedisKeys();
    for (String key : List.of(k.offenderHistory("shop", 7), k.quotaReleases("shop"))) {
      assertThat(allowed.stream().noneMatch(p -> matches(p, key))).as("%s is the notifier's only", key).isTrue();
    }
  }

  @Test
  void theSecuredStackRunsTheReadmesAcl() throws IOException {
    List<String> stack = SecuredStack.redisAcl(Map.of(SecuredStack.AGGREGATOR, "a", SecuredStack.NOTIFIER, "n"));
    for (String user : List.of(SecuredStack.AGGREGATOR, SecuredStack.NOTIFIER)) {
      String line = stack.stream().filter(l -> l.startsWith("user " + user + " ")).findFirst().orElseThrow();
      assertThat(patterns(line)).as("%s's key patterns in SecuredStack and in the README", user)
          .containsExactlyElementsOf(readmePatterns(user));
      assertThat(commands(line)).as("%s's commands in SecuredStack and in the README", user)
          .containsExactlyElementsOf(commands(readmeLine(user)));
    }
  }

  private static String readmeLine(String user) throws IOException {
    return Files.readString(README, StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith("ACL SETUSER " + user + " ")).findFirst().orElseThrow();
  }

  private static List<String> commands(String aclLine) {
    return Arrays.stream(aclLine.split("\\s+")).filter(w -> w.startsWith("+") || w.startsWith("-")).toList();
  }

  @Test
  void theGlob_matchesAsRedisDoes() {
    assertThat(matches("pc:*:s:*", "pc:{shop:7}:s:1796000000")).isTrue();
    assertThat(matches("pc:*:s:*", "pc:{shop:t}:ws:1796000000")).as("ws is not s").isFalse();
    assertThat(matches("pc:*:ws:*", "pc:{shop:t}:ws:1796000000")).isTrue();
    assertThat(matches("pc:?", "pc:h")).isTrue();
    assertThat(matches("pc:*", "other:pc:1")).isFalse();
  }
}
