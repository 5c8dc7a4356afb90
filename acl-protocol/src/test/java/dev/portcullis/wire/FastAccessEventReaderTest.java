package dev.portcullis.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.json.InvalidDocumentException;
import dev.portcullis.schemas.SchemaExamples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FastAccessEventReaderTest {

  private final WireCodec codec = new WireCodec();
  private final FastAccessEventReader fast = new FastAccessEventReader();
  private final AccessEventScanner scanner = new AccessEventScanner();

  private static final String[] FIELDS = {"v", "app", "iface", "ip", "caller", "ts", "n", "denied", "node", "extra"};
  private static final String[] VALUES = {"1", "2", "0", "-1", "1.0", "1e3", "99999999999999999999", "null", "true",
      "\"\"", "\"shop\"", "\"GET /items\"", "\"203.0.113.7\"", "\"2001:db8::7\"", "\"999.1.1.1\"", "\"a|b\"",
      "\"shop-1:8080\"", "\"Shop\"", "{}", "[]", "\"partner-42\"", "17", "3"};

  @Test
  void goldenFiles_fastPathAcceptsTheValidOnesAsTheStrictReaderDoesAndLeavesTheInvalidOnesToIt() throws Exception {
    Path examples = SchemaExamples.of("access-event");
    List<Path> files;
    try (Stream<Path> s = Files.walk(examples)) {
      files = s.filter(p -> p.toString().endsWith(".json")).toList();
    }
    assertThat(files).hasSizeGreaterThan(5);
    for (Path f : files) {
      byte[] doc = Files.readAllBytes(f);
      AccessEvent quick = fast.read(doc);
      if (f.getParent().getFileName().toString().equals("valid")) {
        assertThat(quick).as(f.toString()).isNotNull().isEqualTo(codec.readAccessEventStrictly(doc, f.toString()));
      } else {
        assertThat(quick).as(f.toString()).isNull();
        assertThatThrownBy(() -> codec.readAccessEvent(doc, "x")).isInstanceOf(InvalidDocumentException.class);
      }
    }
  }

  @Test
  void thePlainFormWithWhitespaceAndAnyFieldOrder_isScanned_andEscapesGoToTheStreamingTier() {
    String doc = " {\n  \"node\" : \"shop-1:8080\", \"denied\":0,\t\"n\": 5, \"ts\": 1763880000000,"
        + " \"caller\": null, \"ip\": \"::ffff:203.0.113.7\", \"iface\": \"GET /items\", \"app\": \"shop\", \"v\": 1 }\r\n";
    byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
    assertThat(scanner.scan(null)).as("a tombstone").isNull();
    assertThat(scanner.scan(new byte[0])).isNull();
    AccessEvent scanned = scanner.scan(bytes);
    assertThat(scanned).isNotNull().isEqualTo(codec.readAccessEventStrictly(bytes, "doc"));
    assertThat(scanned.ip().toString()).isEqualTo("203.0.113.7");

    byte[] escaped = doc.replace("GET /items", "GET \\/items").getBytes(StandardCharsets.UTF_8);
    assertThat(scanner.scan(escaped)).as("an escape is the streaming tier's").isNull();
    assertThat(fast.read(escaped)).isEqualTo(codec.readAccessEventStrictly(escaped, "doc"));
    for (String bad : new String[] {"\"n\": 5", "\"n\": 05", "\"n\": 5.0", "\"n\": -5", "\"n\": 5e0"}) {
      byte[] mangled = doc.replace("\"n\": 5", bad.equals("\"n\": 5") ? "\"n\": 5, \"n\": 5" : bad)
          .getBytes(StandardCharsets.UTF_8);
      assertThat(scanner.scan(mangled)).as(bad).isNull();
    }
  }

  @Test
  void randomlyMangledEvents_theFastPathNeverAcceptsWhatTheStrictReaderRefusesNorReadsItDifferently() {
    SplittableRandom rnd = new SplittableRandom(7);
    int accepted = 0;
    int scannedCount = 0;
    for (int round = 0; round < 30_000; round++) {
      List<String[]> fields = new ArrayList<>(List.of(
          new String[] {"v", "1"}, new String[] {"app", "\"shop\""}, new String[] {"iface", "\"GET /items\""},
          new String[] {"ip", "\"203.0.113.7\""}, new String[] {"caller", "\"partner-42\""}, new String[] {"ts", "1763880000000"},
          new String[] {"n", "17"}, new String[] {"denied", "3"}, new String[] {"node", "\"shop-1:8080\""}));
      int mutations = rnd.nextInt(4);
      for (int m = 0; m < mutations; m++) {
        switch (rnd.nextInt(4)) {
          case 0 -> fields.remove(rnd.nextInt(fields.size()));
          case 1 -> fields.add(rnd.nextInt(fields.size() + 1), new String[] {FIELDS[rnd.nextInt(FIELDS.length)],
              VALUES[rnd.nextInt(VALUES.length)]});
          case 2 -> fields.get(rnd.nextInt(fields.size()))[1] = VALUES[rnd.nextInt(VALUES.length)];
          default -> java.util.Collections.swap(fields, rnd.nextInt(fields.size()), rnd.nextInt(fields.size()));
        }
        if (fields.isEmpty()) {
          break;
        }
      }
      StringBuilder json = new StringBuilder("{");
      for (int i = 0; i < fields.size(); i++) {
        json.append(i == 0 ? "" : ",").append('"').append(fields.get(i)[0]).append("\":").append(fields.get(i)[1]);
      }
      json.append('}');
      boolean truncated = rnd.nextInt(20) == 0;
      String text = truncated ? json.substring(0, rnd.nextInt(json.length())) : json.toString();
      byte[] doc = text.getBytes(StandardCharsets.UTF_8);

      AccessEvent quick = fast.read(doc);
      AccessEvent scanned = scanner.scan(doc);
      AccessEvent strict;
      try {
        strict = codec.readAccessEventStrictly(doc, "fuzz");
      } catch (InvalidDocumentException e) {
        strict = null;
      }
      if (scanned != null) {
        scannedCount++;
        assertThat(strict).as("scanned: " + text).isEqualTo(scanned);
      }
      if (quick != null) {
        accepted++;
        assertThat(strict).as(text).isEqualTo(quick);
      } else if (mutations == 0 && !truncated) {
        assertThat(quick).as("an unmangled event takes the fast path: " + text).isNotNull();
      }
      if (strict != null && !text.contains("null")) {
        assertThat(quick).as("a plainly valid event takes the fast path: " + text).isEqualTo(strict);
      }
    }
    assertThat(accepted).as("the fuzzing reached the accepting path").isGreaterThan(3_000);
    assertThat(scannedCount).as("the plain-form scanner took most of them").isGreaterThan(accepted / 2);
  }
}
