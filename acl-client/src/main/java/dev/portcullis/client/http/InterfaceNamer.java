package dev.portcullis.client.http;

import java.util.regex.Pattern;

/**
 * Names the interface of a request for reporting: {@code METHOD /path} with identifier-like path
 * segments (numbers, UUIDs, long hex) replaced by {@code {id}}, so that {@code GET /items/42} and
 * {@code GET /items/43} count as one interface and the number of distinct names stays bounded.
 * Frameworks that know the route template should name it with {@link #template} instead.
 */
public final class InterfaceNamer {

  private static final Pattern ID = Pattern.compile(
      "\\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}");
  private static final int MAX_LENGTH = 200;

  private InterfaceNamer() {}

  public static String name(String method, String path) {
    StringBuilder sb = new StringBuilder(method == null ? "?" : method).append(' ');
    if (path == null || path.isEmpty()) {
      return sb.append('/').toString();
    }
    for (String seg : path.split("/")) {
      if (seg.isEmpty()) {
        continue;
      }
      sb.append('/');
      sb.append(ID.matcher(seg).matches() ? "{id}" : seg.replace('|', '_'));
      if (sb.length() > MAX_LENGTH) {
        return sb.substring(0, MAX_LENGTH);
      }
    }
    if (sb.charAt(sb.length() - 1) == ' ') {
      sb.append('/');
    }
    return sb.toString();
  }

  /**
   * Names a route template as {@code METHOD /items/{id}}: one leading slash, no repeated or trailing
   * slash, parameter regexes dropped ({@code {id: \\d{1,9}}} becomes {@code {id}}), any other
   * {@code |} (the key separator) replaced by {@code _}, bounded like {@link #name}.
   */
  public static String template(String method, String template) {
    StringBuilder sb = new StringBuilder(method == null ? "?" : method).append(' ');
    int start = sb.length();
    String t = template == null ? "" : template;
    for (int i = 0; i < t.length() && sb.length() <= MAX_LENGTH; i++) {
      char c = t.charAt(i);
      if (c == '/') {
        if (sb.length() == start || sb.charAt(sb.length() - 1) != '/') {
          sb.append('/');
        }
        continue;
      }
      if (sb.length() == start) {
        sb.append('/');
      }
      int end = c == '{' ? closingBrace(t, i) : -1;
      if (end > i) {
        String param = t.substring(i + 1, end);
        int colon = param.indexOf(':');
        sb.append('{').append((colon < 0 ? param : param.substring(0, colon)).trim().replace('|', '_')).append('}');
        i = end;
      } else {
        sb.append(c == '|' ? '_' : c);
      }
    }
    if (sb.length() == start) {
      sb.append('/');
    } else if (sb.length() > start + 1 && sb.charAt(sb.length() - 1) == '/') {
      sb.setLength(sb.length() - 1); // "/items/" and "/items" are one route
    }
    return sb.length() > MAX_LENGTH ? sb.substring(0, MAX_LENGTH) : sb.toString();
  }

  /** The index of the brace closing the one at {@code open}, counting nested ones; -1 if unbalanced. */
  private static int closingBrace(String t, int open) {
    int depth = 0;
    for (int i = open; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }
}
