package dev.portcullis.benchmarks;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Pre-generated rule sets and request addresses, so that benchmarks measure lookups, not setup:
 * {@code entries} deny entries (half exact IPv4, a quarter IPv4 /24, a quarter IPv6 /64) and 65,536
 * request addresses, half of them hitting an entry, drawn uniformly or with a Zipf skew (s = 1.1,
 * a few addresses make most of the traffic, as under attack).
 */
final class Workload {

  static final int KEYS = 1 << 16;

  final List<Cidr> blocks = new ArrayList<>();
  final String[] requests = new String[KEYS];
  final IpAddress[] parsed = new IpAddress[KEYS];

  Workload(int entries, boolean zipf, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < entries; i++) {
      switch (i % 4) {
        case 0, 1 -> blocks.add(Cidr.of(IpAddress.ofV4(rnd.nextInt())));
        case 2 -> blocks.add(Cidr.covering(IpAddress.ofV4(rnd.nextInt()), 24));
        default -> blocks.add(Cidr.covering(IpAddress.ofV6(0x2001_0db8_0000_0000L | rnd.nextLong(1L << 32), rnd.nextLong()), 64));
      }
    }
    String[] distinct = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      IpAddress a;
      if (i % 2 == 0 && !blocks.isEmpty()) {
        Cidr c = blocks.get(rnd.nextInt(blocks.size()));
        a = c.network().isV4() ? IpAddress.ofV4((int) (c.network().low() | (c.prefix() == 32 ? 0 : rnd.nextInt(256))))
            : IpAddress.ofV6(c.network().high(), rnd.nextLong());
      } else {
        a = rnd.nextInt(4) == 0 ? IpAddress.ofV6(0x2a00_0000_0000_0000L | rnd.nextLong(1L << 48), rnd.nextLong())
            : IpAddress.ofV4(rnd.nextInt());
      }
      distinct[i] = a.toString();
    }
    int[] ranks = Draws.zipf(rnd, KEYS, zipf ? 1.1 : 0, KEYS);
    for (int i = 0; i < KEYS; i++) {
      int lo = ranks[i];
      requests[i] = distinct[lo];
      parsed[i] = IpAddress.parse(distinct[lo]);
    }
  }

  ConfigSnapshot snapshot() {
    List<ListEntry> deny = new ArrayList<>(blocks.size());
    for (Cidr c : blocks) {
      deny.add(new ListEntry(c, null, "", "bench", 1));
    }
    return new ConfigSnapshot(GlobalPolicy.DEFAULT, List.of(), deny, Map.of(), 1);
  }
}
