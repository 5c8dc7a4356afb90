package dev.portcullis.client.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.portcullis.address.Cidr;
import dev.portcullis.client.decide.Addresses;
import dev.portcullis.client.decide.AppRules;
import dev.portcullis.client.decide.RuleColumns;
import dev.portcullis.config.AppMode;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.json.Json;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one app's rules ({@link AppRules}) straight out of a snapshot file's document (the whole-tree
 * format of {@code ConfigTreeCodec}), streaming, without building the tree: the version, the app's
 * policy, and the global and the app's allow and deny entries, each entry's block and expiry only.
 * Other apps, limits, notes, authors and creation times are passed over unread; entries lapsed at
 * {@code now} are left out. A million entries read in a few hundred milliseconds into ~17 MB of
 * columns, where the parsed tree took seconds and ~250 MB.
 *
 * <p>What it reads it checks as strictly as the full reader (an unknown field, a malformed block or
 * expiry refuses the whole document, with the JSON path), so a snapshot is applied whole or not at
 * all; what it passes over was checked by whoever wrote the file, and the file's checksum covers it.
 * Stateless apart from its codec; thread-safe.
 */
public final class SnapshotRulesReader {

  // the caller owns the stream (the snapshot file reads what is left of it for the checksum)
  private static final JsonFactory FACTORY = JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();

  private final String app;
  private final ConfigCodec codec;
  private final Json json;
  private final ObjectReader policyReader;

  public SnapshotRulesReader(String app, ConfigCodec codec) {
    this.app = app;
    this.codec = codec;
    this.json = codec.json();
    // reads one value of the document, not the whole of it
    this.policyReader = json.mapper().reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * @throws IllegalArgumentException naming the first problem and where it is
   */
  public AppRules read(byte[] utf8, long nowMillis) {
    try (JsonParser p = FACTORY.createParser(utf8)) {
      return read(p, nowMillis);
    } catch (IOException e) {
      throw new IllegalArgumentException("snapshot cannot be read: " + e, e);
    }
  }

  /**
   * Reads the document from a stream, which stays open.
   *
   * @throws IllegalArgumentException naming the first problem and where it is
   * @throws IOException if the stream cannot be read
   */
  public AppRules read(InputStream utf8, long nowMillis) throws IOException {
    try (JsonParser p = FACTORY.createParser(utf8)) {
      return read(p, nowMillis);
    }
  }

  private AppRules read(JsonParser p, long nowMillis) throws IOException {
    try {
      return new Walk(p, nowMillis).document();
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw new IllegalArgumentException("snapshot is not JSON: " + e.getOriginalMessage()
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
    }
  }

  /** One pass over one document. */
  private final class Walk {
    private final JsonParser p;
    private final long now;
    private final long[] v6 = new long[2];
    private final CharSlice text = new CharSlice();
    private long version;
    private AppMode mode = AppPolicy.DEFAULT.mode();
    private final RuleColumns globalAllow = new RuleColumns(16);
    private final RuleColumns globalDeny = new RuleColumns(16);
    private final RuleColumns ownAllow = new RuleColumns(16);
    private final RuleColumns ownDeny = new RuleColumns(16);

    Walk(JsonParser p, long now) {
      this.p = p;
      this.now = now;
    }

    AppRules document() throws IOException {
      expect(p.nextToken(), JsonToken.START_OBJECT, "the document");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        switch (f) {
          case "v" -> {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() != 1) {
              throw problem("v must be 1");
            }
          }
          case "version" -> {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
              throw problem("version must be an integer >= 0");
            }
            version = p.getLongValue();
          }
          case "global" -> scope(t, "global", globalAllow, globalDeny, false);
          case "apps" -> apps(t);
          default -> throw problem("unknown field \"" + f + "\"");
        }
      }
      if (p.nextToken() != null) {
        throw problem("text after the document");
      }
      return new AppRules(version, mode, RuleColumns.concat(globalAllow, ownAllow), RuleColumns.concat(globalDeny, ownDeny));
    }

    private void apps(JsonToken t) throws IOException {
      expect(t, JsonToken.START_OBJECT, "apps");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals(app)) {
          scope(v, "apps." + app, ownAllow, ownDeny, true);
        } else {
          p.skipChildren();
        }
      }
    }

    private void scope(JsonToken t, String at, RuleColumns allow, RuleColumns deny, boolean own) throws IOException {
      expect(t, JsonToken.START_OBJECT, at);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken v = p.nextToken();
        switch (f) {
          case "policy" -> {
            if (own) {
              mode = codec.readAppPolicy(json.bytes(policyReader.readTree(p)), at + ".policy").mode();
            } else {
              p.skipChildren();
            }
          }
          case "limits" -> p.skipChildren(); // the notifier's business (an app's, or every app's under global)
          case "allow" -> entries(v, at + ".allow", allow, own);
          case "deny" -> entries(v, at + ".deny", deny, own);
          default -> throw problem(at + ": unknown field \"" + f + "\"");
        }
      }
    }

    private void entries(JsonToken t, String at, RuleColumns into, boolean own) throws IOException {
      expect(t, JsonToken.START_ARRAY, at);
      int i = 0;
      while (p.nextToken() == JsonToken.START_OBJECT) {
        entry(at + "[" + i++ + "]", into, own);
      }
      expect(p.currentToken(), JsonToken.END_ARRAY, at);
    }

    private void entry(String at, RuleColumns into, boolean own) throws IOException {
      boolean haveBlock = false;
      long expiresAt = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken v = p.nextToken();
        switch (f) {
          case "cidr" -> {
            expect(v, JsonToken.VALUE_STRING, at + ".cidr");
            text.set(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            block(text, at + ".cidr");
            haveBlock = true;
          }
          case "expiresAt" -> {
            if (v == JsonToken.VALUE_NUMBER_INT && p.getLongValue() > 0) {
              expiresAt = p.getLongValue();
            } else if (v != JsonToken.VALUE_NULL) {
              throw problem(at + ".expiresAt must be epoch milliseconds or null");
            }
          }
          case "note", "by", "forced" -> {
            if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NULL) {
              throw problem(at + "." + f + " must be a string");
            }
          }
          case "createdAt" -> expect(v, JsonToken.VALUE_NUMBER_INT, at + ".createdAt");
          default -> throw problem(at + ": unknown field \"" + f + "\"");
        }
      }
      if (!haveBlock) {
        throw problem(at + ".cidr is required");
      }
      if (expiresAt == 0 || expiresAt > now) {
        into.add(blockV4, blockHi, blockLo, blockPrefix, expiresAt, own);
      }
    }

    // the last block read
    private boolean blockV4;
    private long blockHi;
    private long blockLo;
    private int blockPrefix;

    /**
     * Parses a block into the block fields: its canonical form (as the writer writes it) without a
     * String; anything else through {@link Cidr#parse}, which normalises or refuses it with a reason.
     */
    private void block(CharSlice s, String at) {
      int slash = s.indexOf('/');
      int prefixLength = -1;
      if (slash > 0 && slash < s.length() - 1 && s.length() - slash <= 4 && s.charAt(0) != '[') {
        prefixLength = 0;
        for (int k = slash + 1; k < s.length() && prefixLength >= 0; k++) {
          char c = s.charAt(k);
          prefixLength = c >= '0' && c <= '9' ? prefixLength * 10 + (c - '0') : -1;
        }
      }
      long v4 = -1;
      if (slash < 0 && s.charAt(0) != '[') {
        v4 = Addresses.parse(s, v6);
      } else if (prefixLength >= 0) {
        v4 = Addresses.parse(s.subSequence(0, slash), v6);
      }
      boolean mapped = v4 >= 0 && s.indexOf(':') >= 0; // an IPv4-mapped IPv6 block: Cidr normalises its prefix
      if (v4 == Addresses.NOT_V4 || mapped) {
        strict(s, at);
        return;
      }
      boolean isV4 = v4 >= 0;
      int bits = isV4 ? 32 : 128;
      int length = slash < 0 ? bits : prefixLength;
      if (length > bits) {
        strict(s, at);
        return;
      }
      long h = isV4 ? 0 : v6[0];
      long l = isV4 ? v4 : v6[1];
      if (hostBits(isV4, h, l, length)) {
        strict(s, at);
        return; // refused there, with the block it should have been
      }
      blockV4 = isV4;
      blockHi = h;
      blockLo = l;
      blockPrefix = length;
    }

    private void strict(CharSlice s, String at) {
      Cidr c;
      try {
        c = Cidr.parse(s.toString());
      } catch (IllegalArgumentException e) {
        throw problem(at + ": " + e.getMessage());
      }
      blockV4 = c.network().isV4();
      blockHi = c.network().high();
      blockLo = c.network().low();
      blockPrefix = c.prefix();
    }

    private static boolean hostBits(boolean v4, long hi, long lo, int prefix) {
      if (v4) {
        long host = prefix == 32 ? 0 : (1L << (32 - prefix)) - 1;
        return (lo & host) != 0;
      }
      long hiHost = prefix >= 64 ? 0 : prefix == 0 ? -1L : (1L << (64 - prefix)) - 1;
      long loHost = prefix >= 128 ? 0 : prefix <= 64 ? -1L : (1L << (128 - prefix)) - 1;
      return (hi & hiHost) != 0 || (lo & loHost) != 0;
    }

    private void expect(JsonToken actual, JsonToken expected, String at) {
      if (actual != expected) {
        throw problem(at + " must be " + (expected == JsonToken.START_OBJECT ? "an object"
            : expected == JsonToken.START_ARRAY ? "an array" : expected == JsonToken.END_ARRAY ? "an array of objects"
            : expected == JsonToken.VALUE_STRING ? "a string" : "an integer") + ", was " + actual);
      }
    }

    private IllegalArgumentException problem(String what) {
      return new IllegalArgumentException(what + " (line " + p.currentLocation().getLineNr() + ", column "
          + p.currentLocation().getColumnNr() + ")");
    }
  }

  /** A reusable view of a run of characters, so that a block is parsed without a String. */
  private static final class CharSlice implements CharSequence {
    private char[] chars;
    private int from;
    private int length;

    void set(char[] c, int offset, int len) {
      chars = c;
      from = offset;
      length = len;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public char charAt(int index) {
      return chars[from + index];
    }

    int indexOf(char c) {
      for (int i = 0; i < length; i++) {
        if (chars[from + i] == c) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      CharSlice s = new CharSlice();
      s.set(chars, from + start, end - start);
      return s;
    }

    @Override
    public String toString() {
      return new String(chars, from, length);
    }
  }
}
