package dev.portcullis.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads the fields of one JSON object strictly: every field read is remembered, wrong types and
 * out-of-range values are added to {@link Problems} with the field's path, and {@link #finish()}
 * reports every field that nobody read as unknown. Getters return {@code null} for an absent or
 * invalid optional value, after recording the problem; callers build their record only when the
 * problems are empty.
 */
public final class DocumentReader {

  private final JsonNode node;
  private final String path;
  private final Problems problems;
  private final Set<String> seen = new HashSet<>();
  private final boolean valid;

  public DocumentReader(JsonNode node, String path, Problems problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
    this.valid = node != null && node.isObject();
    if (!valid) {
      problems.add(where() + "must be a JSON object, was " + describe(node));
    }
  }

  public Problems problems() {
    return problems;
  }

  private String where() {
    return path.isEmpty() ? "" : path + ": ";
  }

  private String field(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private JsonNode get(String name, boolean required) {
    seen.add(name);
    if (!valid) {
      return null;
    }
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      if (required) {
        problems.add(field(name) + " is required");
      }
      return null;
    }
    return v;
  }

  /** The version field {@code v}: required and equal to {@code expected}. */
  public void version(int expected) {
    JsonNode v = get("v", true);
    if (v != null && (!v.isIntegralNumber() || v.asLong() != expected)) {
      problems.add(field("v") + " must be " + expected + ", was " + v);
    }
  }

  public String string(String name, boolean required, int maxLength, Predicate<String> pattern, String patternRule) {
    JsonNode v = get(name, required);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      problems.add(field(name) + " must be a string, was " + describe(v));
      return null;
    }
    String s = v.textValue();
    if (s.isEmpty() && required) {
      problems.add(field(name) + " must not be empty");
      return null;
    }
    if (s.length() > maxLength) {
      problems.add(field(name) + " must be at most " + maxLength + " characters, was " + s.length());
      return null;
    }
    if (pattern != null && !pattern.test(s)) {
      problems.add(field(name) + " must be " + patternRule + ", was \"" + s + "\"");
      return null;
    }
    return s;
  }

  public Long integer(String name, boolean required, long min, long max) {
    JsonNode v = get(name, required);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      problems.add(field(name) + " must be an integer, was " + describe(v));
      return null;
    }
    long x = v.longValue();
    if (x < min) {
      problems.add(field(name) + " must be >= " + min + ", was " + x);
      return null;
    }
    if (x > max) {
      problems.add(field(name) + " must be <= " + max + ", was " + x);
      return null;
    }
    return x;
  }

  public Boolean bool(String name, boolean required) {
    JsonNode v = get(name, required);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      problems.add(field(name) + " must be true or false, was " + describe(v));
      return null;
    }
    return v.booleanValue();
  }

  public <E extends Enum<E>> E enumValue(String name, boolean required, Class<E> type) {
    JsonNode v = get(name, required);
    if (v == null) {
      return null;
    }
    if (v.isTextual()) {
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(v.textValue())) {
          return e;
        }
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name());
    }
    problems.add(field(name) + " must be one of " + names + ", was " + v);
    return null;
  }

  public IpAddress ip(String name, boolean required) {
    String s = string(name, required, 64, null, null);
    if (s == null) {
      return null;
    }
    try {
      return IpAddress.parse(s);
    } catch (IllegalArgumentException e) {
      problems.add(field(name) + ": " + e.getMessage());
      return null;
    }
  }

  public Cidr cidr(String name, boolean required) {
    String s = string(name, required, 64, null, null);
    if (s == null) {
      return null;
    }
    try {
      return Cidr.parse(s);
    } catch (IllegalArgumentException e) {
      problems.add(field(name) + ": " + e.getMessage());
      return null;
    }
  }

  public Duration duration(String name, boolean required, Duration min) {
    String s = string(name, required, 64, null, null);
    if (s == null) {
      return null;
    }
    return toDuration(field(name), s, min);
  }

  Duration toDuration(String fieldPath, String s, Duration min) {
    try {
      Duration d = Duration.parse(s);
      if (d.compareTo(min) < 0) {
        problems.add(fieldPath + " must be at least " + min + ", was " + s);
        return null;
      }
      return d;
    } catch (DateTimeParseException e) {
      problems.add(fieldPath + " must be an ISO-8601 duration such as PT1M or PT24H, was \"" + s + "\"");
      return null;
    }
  }

  /** An array field read element by element; elements that fail are reported and skipped. */
  public <T> List<T> list(String name, boolean required, int maxSize, ElementReader<T> element) {
    JsonNode v = get(name, required);
    if (v == null) {
      return null;
    }
    if (!v.isArray()) {
      problems.add(field(name) + " must be an array, was " + describe(v));
      return null;
    }
    if (v.size() > maxSize) {
      problems.add(field(name) + " must have at most " + maxSize + " elements, was " + v.size());
      return null;
    }
    List<T> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      T t = element.read(v.get(i), field(name) + "[" + i + "]", problems);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /** A nested object, read by {@code reader}. */
  public <T> T object(String name, boolean required, Function<DocumentReader, T> reader) {
    JsonNode v = get(name, required);
    if (v == null) {
      return null;
    }
    DocumentReader nested = new DocumentReader(v, field(name), problems);
    T t = reader.apply(nested);
    nested.finish();
    return t;
  }

  /** The raw node of a field whose shape the caller checks. */
  public JsonNode raw(String name, boolean required) {
    return get(name, required);
  }

  /** Reports every field of the object that was not read. Call once, after every getter. */
  public void finish() {
    if (!valid) {
      return;
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!seen.contains(n)) {
        problems.add(field(n) + " is not a known field");
      }
    }
  }

  static String describe(JsonNode v) {
    if (v == null || v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "\"" + v.textValue() + "\"";
    }
    if (v.isObject()) {
      return "an object";
    }
    if (v.isArray()) {
      return "an array";
    }
    return v.toString();
  }

  /** Reads one element of an array. */
  @FunctionalInterface
  public interface ElementReader<T> {
    T read(JsonNode node, String path, Problems problems);
  }
}
