package dev.portcullis.cli;

import dev.portcullis.config.Ttl;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offline behaviour of the CLI: checks and argument errors need no ZooKeeper. */
class ConfigCliTest {

  @TempDir
  Path tmp;

  private static CliRun run(String... args) {
    return CliRun.of(Clock.systemUTC(), args);
  }

  @Test
  void check_validTree_exitsZero() throws Exception {
    Path f = tmp.resolve("tree.json");
    Files.writeString(f, "{\"v\":1,\"global\":{\"policy\":{\"limitPerSecond\":50},\"allow\":[],\"deny\":[]},"
        + "\"apps\":{\"shop\":{\"policy\":{\"mode\":\"OPEN\"},\"limits\":[{\"cidr\":\"10.0.0.0/8\",\"limitPerSecond\":5}]}}}");
    CliRun r = run("check", f.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("valid tree");
  }

  @Test
  void check_invalidTree_listsEveryProblemAndExitsTwo() throws Exception {
    Path f = tmp.resolve("bad.json");
    Files.writeString(f, "{\"v\":1,\"global\":{\"policy\":{\"limitPerSecond\":-3}},"
        + "\"apps\":{\"Shop!\":{},\"shop\":{\"limits\":[{\"cidr\":\"10.0.0.1/8\",\"limitPerSecond\":5}],"
        + "\"allow\":[{\"cidr\":\"1.2.3.4\",\"by\":\"a\",\"createdAt\":1},{\"cidr\":\"1.2.3.4/32\",\"by\":\"b\",\"createdAt\":1}]}}}");
    CliRun r = run("check", f.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("4 problems")
        .contains("global.policy.limitPerSecond must be >= 1, was -3")
        .contains("apps.Shop!: app name must be")
        .contains("apps.shop.limits[0].cidr")
        .contains("host bits are set")
        .contains("apps.shop.allow lists 1.2.3.4/32 more than once");
  }

  @Test
  void check_singleDocumentType_withJsonOutput() throws Exception {
    Path f = tmp.resolve("entry.json");
    Files.writeString(f, "{\"cidr\":\"10.0.0.0/8\",\"by\":\"ops\",\"createdAt\":1,\"extra\":1}");
    CliRun r = run("--json", "check", "--type", "list-entry", f.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEqualTo("{\"valid\":false,\"problems\":[\"extra is not a known field\"]}\n");
  }

  @Test
  void check_missingFile_namesTheFile() {
    CliRun r = run("check", tmp.resolve("nope.json").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("no such file").contains("nope.json");
  }

  @Test
  void allowAdd_malformedCidr_isRejectedBeforeAnyConnection() {
    CliRun r = run("--zk", "127.0.0.1:1", "allow", "add", "10.0.0.1/33");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("prefix length 33 is out of range 0-32");
  }

  @Test
  void allowAdd_badTtl_isRejected() {
    CliRun r = run("--zk", "127.0.0.1:1", "allow", "add", "10.0.0.1", "--ttl", "tomorrow");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("TTL \"tomorrow\" must look like 30s, 90m, 24h, 7d or PT24H");
  }

  @Test
  void unknownSubcommand_isAUsageError() {
    CliRun r = run("frobnicate");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Unmatched argument").contains("frobnicate");
  }

  @Test
  void ttl_parsesShortAndIsoForms() {
    assertThat(Ttl.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Ttl.parse("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(Ttl.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Ttl.parse("PT90M")).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void credentialsOnTheCommandLine_areRefusedPointingToTheSafeWays() {
    CliRun r = run("--zk", "127.0.0.1:1", "--auth", "ops:hunter2", "deny", "ls");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--auth is gone").contains("--auth-file").contains("PORTCULLIS_ZK_AUTH")
        .doesNotContain("hunter2");
  }

  @Test
  void anAuthFileThatCannotBeRead_isNamed() {
    CliRun r = run("--zk", "127.0.0.1:1", "--auth-file", tmp.resolve("absent").toString(), "deny", "ls");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("file:" + tmp.resolve("absent")).contains("cannot be read");
  }

  @Test
  void aDenyOrAllowWiderThanTheGuard_isRefusedBeforeAnyConnection_sayingHowToForceIt() {
    CliRun deny = run("--zk", "127.0.0.1:1", "deny", "add", "0.0.0.0/0");
    assertThat(deny.code()).isEqualTo(2);
    assertThat(deny.err()).contains("wider than /16").contains("--force");
    CliRun allow = run("--zk", "127.0.0.1:1", "allow", "add", "::/0");
    assertThat(allow.code()).isEqualTo(2);
    assertThat(allow.err()).contains("wider than /32");
    CliRun blankReason = run("--zk", "127.0.0.1:1", "deny", "add", "10.0.0.0/8", "--force", " ");
    assertThat(blankReason.code()).isEqualTo(2);
  }
}
