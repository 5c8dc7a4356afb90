package dev.portcullis.address;

/** The value of one hexadecimal digit, shared by the address parsers. */
public final class HexDigits {

  private HexDigits() {}

  /** 0-15 for {@code 0-9}, {@code a-f} and {@code A-F}; -1 for anything else. */
  public static int value(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
