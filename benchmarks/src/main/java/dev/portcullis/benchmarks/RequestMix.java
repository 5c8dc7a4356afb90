package dev.portcullis.benchmarks;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Request addresses as a service sees them, over a workload's listed blocks: {@link Workload#KEYS}
 * requests drawn from a pool of 2^20 distinct addresses, a third of which fall inside a listed block.
 * <ul>
 *   <li>{@code zipf1.0}, {@code zipf1.2}: Zipf over the pool at s = 1.0 (everyday traffic: at 1M
 *       entries about 26k distinct addresses in 65k requests) and s = 1.2 (heavier);</li>
 *   <li>{@code uniform}: uniform over the pool (the worst case for caches);</li>
 *   <li>{@code attack}: half the requests from listed addresses, uniform over the lists, half from
 *       fresh random addresses;</li>
 *   <li>{@code ipv6}: IPv6 only, Zipf s = 1.0, a third inside the listed IPv6 blocks.</li>
 * </ul>
 */
final class RequestMix {

  private static final int POOL = 1 << 20;

  private RequestMix() {}

  static String[] requests(List<Cidr> blocks, String mix, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    boolean v6Only = mix.equals("ipv6");
    List<Cidr> listed = new ArrayList<>();
    for (Cidr c : blocks) {
      if (!v6Only || c.network().isV6()) {
        listed.add(c);
      }
    }
    String[] out = new String[Workload.KEYS];
    if (mix.equals("attack")) {
      for (int i = 0; i < out.length; i++) {
        out[i] = (i % 2 == 0 && !listed.isEmpty() ? inside(listed.get(rnd.nextInt(listed.size())), rnd) : fresh(false, rnd))
            .toString();
      }
      return out;
    }
    String[] pool = new String[POOL];
    for (int k = 0; k < POOL; k++) {
      IpAddress a = k % 3 == 0 && !listed.isEmpty() ? inside(listed.get(rnd.nextInt(listed.size())), rnd) : fresh(v6Only, rnd);
      pool[k] = a.toString();
    }
    double s = switch (mix) {
      case "zipf1.0", "ipv6" -> 1.0;
      case "zipf1.2" -> 1.2;
      case "uniform" -> 0.0;
      default -> throw new IllegalArgumentException("unknown mix " + mix);
    };
    int[] ranks = Draws.zipf(rnd, POOL, s, out.length);
    for (int i = 0; i < out.length; i++) {
      out[i] = pool[ranks[i]];
    }
    return out;
  }

  private static IpAddress inside(Cidr c, SplittableRandom rnd) {
    IpAddress n = c.network();
    if (n.isV4()) {
      long host = c.prefix() == 32 ? 0 : rnd.nextLong(1L << (32 - c.prefix()));
      return IpAddress.ofV4((int) (n.low() | host));
    }
    return c.prefix() <= 64 ? IpAddress.ofV6(n.high(), rnd.nextLong()) : n;
  }

  private static IpAddress fresh(boolean v6, SplittableRandom rnd) {
    return v6 ? IpAddress.ofV6(0x2a00_0000_0000_0000L | rnd.nextLong(1L << 48), rnd.nextLong()) : IpAddress.ofV4(rnd.nextInt());
  }
}
