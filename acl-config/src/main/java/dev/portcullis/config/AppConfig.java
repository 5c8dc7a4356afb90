package dev.portcullis.config;

import dev.portcullis.address.CidrTable;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything configured for one app, with lookup tables built once.
 *
 * @param policy the app policy, or {@link AppPolicy#DEFAULT} when none is stored
 */
public record AppConfig(String app, AppPolicy policy, List<LimitEntry> limits, List<ListEntry> allow, List<ListEntry> deny) {

  public AppConfig {
    limits = List.copyOf(limits);
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
  }

  static <T> CidrTable<T> table(List<T> entries, Function<T, dev.portcullis.address.Cidr> cidr) {
    Map<dev.portcullis.address.Cidr, T> m = entries.stream()
        .collect(Collectors.toMap(cidr, Function.identity(), (a, b) -> b));
    return CidrTable.of(m);
  }
}
