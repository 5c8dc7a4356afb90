package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.wire.AccessEvent;
import dev.portcullis.wire.InterceptNotice;
import dev.portcullis.wire.NodeRegistration;
import dev.portcullis.wire.AuditRecord;
import dev.portcullis.wire.WireCodec;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.json.InvalidDocumentException;
import dev.portcullis.schemas.SchemaExamples;
import dev.portcullis.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden files in {@code schemas/} are fixtures: every valid one validates against its schema
 * and round-trips through its Java codec unchanged; every invalid one is rejected by the schema
 * and by the codec, and the codec's message names the field given before {@code --} in the file
 * name. {@code invalid-semantic/} holds documents that only the codec can reject (cross-field rules,
 * address arithmetic), which the schema cannot express.
 */
class GoldenFilesTest {

  private static final Json JSON = new Json();
  private static final WireCodec WIRE = new WireCodec(JSON);
  private static final ConfigCodec CONFIG = new ConfigCodec(JSON);

  private record Codec(BiFunction<byte[], String, Object> read, Function<Object, byte[]> write) {}

  private static final Map<String, Codec> CODECS = Map.of(
      "access-event", new Codec(WIRE::readAccessEvent, o -> WIRE.write((AccessEvent) o)),
      "intercept-notice", new Codec(WIRE::readNotice, o -> WIRE.write((InterceptNotice) o)),
      "node-registration", new Codec(WIRE::readNodeRegistration, o -> WIRE.write((NodeRegistration) o)),
      "audit-record", new Codec(WIRE::readAudit, o -> WIRE.write((AuditRecord) o)),
      "global-policy", new Codec(CONFIG::readGlobalPolicy, o -> CONFIG.write((dev.portcullis.config.GlobalPolicy) o)),
      "app-policy", new Codec(CONFIG::readAppPolicy, o -> CONFIG.write((dev.portcullis.config.AppPolicy) o)),
      "limit-entry", new Codec(CONFIG::readLimitEntry, o -> CONFIG.write((dev.portcullis.config.LimitEntry) o)),
      "list-entry", new Codec(CONFIG::readListEntry, o -> CONFIG.write((dev.portcullis.config.ListEntry) o)));

  private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  static Path examples() {
    return SchemaExamples.root();
  }

  static Stream<Path> files(String kind) throws IOException {
    List<Path> out;
    try (Stream<Path> s = Files.walk(examples())) {
      out = s.filter(p -> p.getParent().getFileName().toString().equals(kind) && p.toString().endsWith(".json"))
          .sorted().toList();
    }
    return out.stream();
  }

  static Stream<Path> valid() throws IOException {
    return files("valid");
  }

  static Stream<Path> invalid() throws IOException {
    return files("invalid");
  }

  static Stream<Path> invalidSemantic() throws IOException {
    return files("invalid-semantic");
  }

  private static String type(Path file) {
    return file.getParent().getParent().getFileName().toString().replace("/", "");
  }

  private static String expectedField(Path file) {
    String name = file.getFileName().toString().replace("/", "");
    return name.substring(0, name.indexOf("--"));
  }

  private static Schema schema(String type) {
    try (InputStream in = GoldenFilesTest.class.getResourceAsStream("/schemas/" + type + ".schema.json")) {
      if (in == null) {
        throw new IllegalStateException("no schema for " + type);
      }
      return SCHEMAS.getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyTypeHasASchemaAndValidAndInvalidExamples() throws IOException {
    for (String type : CODECS.keySet()) {
      assertThat(schema(type)).as(type).isNotNull();
      assertThat(valid().filter(p -> type(p).equals(type))).as("valid examples of " + type).isNotEmpty();
      assertThat(invalid().filter(p -> type(p).equals(type))).as("invalid examples of " + type).isNotEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void validExample_passesSchemaAndRoundTripsThroughCodec(Path file) {
    String type = type(file);
    byte[] bytes = read(file);
    assertThat(schema(type).validate(new String(bytes, StandardCharsets.UTF_8), InputFormat.JSON))
        .as("schema errors for " + file).isEmpty();
    Codec codec = CODECS.get(type);
    Object value = codec.read().apply(bytes, file.toString());
    byte[] written = codec.write().apply(value);
    JsonNode expected = JSON.parse(bytes, "expected");
    JsonNode actual = JSON.parse(written, "actual");
    assertEquals(expected, actual, "round trip of " + file);
    assertEquals(value, codec.read().apply(written, "rewritten"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidExample_isRejectedBySchemaAndByCodecNamingTheField(Path file) {
    String type = type(file);
    byte[] bytes = read(file);
    assertThat(schema(type).validate(new String(bytes, StandardCharsets.UTF_8), InputFormat.JSON))
        .as("schema must reject " + file).isNotEmpty();
    assertCodecRejects(file, type, bytes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSemantic")
  void semanticallyInvalidExample_isRejectedByCodecNamingTheField(Path file) {
    assertCodecRejects(file, type(file), read(file));
  }

  private static void assertCodecRejects(Path file, String type, byte[] bytes) {
    assertThatThrownBy(() -> CODECS.get(type).read().apply(bytes, "golden:" + file.getFileName()))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining(expectedField(file))
        .hasMessageContaining("golden:" + file.getFileName());
  }
}
