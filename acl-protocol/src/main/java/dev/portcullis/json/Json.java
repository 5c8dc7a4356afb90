package dev.portcullis.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one place JSON text becomes a tree and back. Parsing is strict: duplicate keys, trailing
 * tokens, comments and non-standard numbers are errors. The tree is then read field by field by a
 * {@link DocumentReader}, which is where unknown keys and bad values are reported.
 *
 * <p>Thread-safe; share one instance.
 */
public final class Json {

  private final ObjectMapper mapper;

  public Json() {
    this.mapper = JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(SerializationFeature.INDENT_OUTPUT)
        .build();
  }

  /** The underlying mapper, for building trees; do not reconfigure it. */
  public ObjectMapper mapper() {
    return mapper;
  }

  public ObjectNode object() {
    return mapper.createObjectNode();
  }

  /**
   * Parses UTF-8 JSON into a tree.
   *
   * @throws InvalidDocumentException if the bytes are not one well-formed JSON value
   */
  public JsonNode parse(byte[] utf8, String source) {
    if (utf8 == null) {
      throw new InvalidDocumentException(source, List.of("document is null"));
    }
    try (JsonParser p = mapper.createParser(utf8)) {
      JsonNode node = mapper.readTree(p);
      if (node == null || node.isMissingNode()) {
        throw new InvalidDocumentException(source, List.of("document is empty"));
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new InvalidDocumentException(source, List.of("not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr())));
    } catch (IOException e) {
      throw new InvalidDocumentException(source, List.of("unreadable: " + e.getMessage()));
    }
  }

  public JsonNode parse(String text, String source) {
    return parse(text == null ? null : text.getBytes(StandardCharsets.UTF_8), source);
  }

  /** Compact UTF-8 bytes of a tree. */
  public byte[] bytes(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  /** Compact text of a tree. */
  public String text(JsonNode node) {
    return new String(bytes(node), StandardCharsets.UTF_8);
  }

  /** Indented text of a tree, for people. */
  public String pretty(JsonNode node) {
    try {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }
}
