package dev.portcullis.client.http;

import java.util.regex.Pattern;

/**
 * Names the interface of a request for reporting: {@code METHOD /path} with identifier-like path
 * segments (numbers, UUIDs, long hex) replaced by {@code {id}}, so that {@code GET /items/42} and
 * {@code GET /items/43} count as one interface and the number of distinct names stays bounded.
 * Frameworks that know the route template should pass it instead.
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
}
