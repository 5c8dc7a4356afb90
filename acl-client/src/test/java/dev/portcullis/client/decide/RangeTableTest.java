package dev.portcullis.client.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import dev.portcullis.address.CidrTable;
import dev.portcullis.address.IpAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The flattened range table answers exactly like a per-prefix-length reference table. */
class RangeTableTest {

  private static RangeTable table(String... cidrs) {
    List<RangeTable.Entry> entries = new ArrayList<>();
    for (int i = 0; i < cidrs.length; i++) {
      entries.add(new RangeTable.Entry(Cidr.parse(cidrs[i]), i));
    }
    return RangeTable.of(entries);
  }

  private static int lookup(RangeTable t, String ip) {
    IpAddress a = IpAddress.parse(ip);
    return a.isV4() ? t.lookupV4(a.low()) : t.lookupV6(a.high(), a.low());
  }

  @Test
  void lookup_mostSpecificNestedBlockWins() {
    RangeTable t = table("10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "0.0.0.0/0");
    assertThat(lookup(t, "10.1.2.3")).isEqualTo(3);
    assertThat(lookup(t, "10.1.2.4")).isEqualTo(2);
    assertThat(lookup(t, "10.1.3.4")).isEqualTo(1);
    assertThat(lookup(t, "10.2.3.4")).isEqualTo(0);
    assertThat(lookup(t, "11.0.0.0")).isEqualTo(4);
    assertThat(lookup(t, "255.255.255.255")).isEqualTo(4);
    assertThat(lookup(t, "::1")).isEqualTo(RangeTable.NONE);
  }

  @Test
  void lookup_blocksAtTheTopOfTheAddressSpace() {
    RangeTable t = table("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "255.255.255.255/32", "0.0.0.0/0");
    assertThat(lookup(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).isEqualTo(1);
    assertThat(lookup(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")).isEqualTo(0);
    assertThat(lookup(t, "::")).isEqualTo(0);
    assertThat(lookup(t, "255.255.255.255")).isEqualTo(2);
    assertThat(lookup(t, "255.255.255.254")).isEqualTo(3);
  }

  @Test
  void lookup_sameBlockTwice_laterLabelWins() {
    RangeTable t = table("192.0.2.0/24", "192.0.2.0/24");
    assertThat(lookup(t, "192.0.2.9")).isEqualTo(1);
    assertThat(t.blocks()).isEqualTo(2);
  }

  @Test
  void ipv6BlocksSharingOnePrefix_areIndexedAfterItAndAddressesOutsideItMissFast() {
    RangeTable t = table("2001:db8::/48", "2001:db8:1::/48", "2001:db8:1:2::/64", "2001:db8:ffff::1");
    assertThat(lookup(t, "2001:db8::5")).isEqualTo(0);
    assertThat(lookup(t, "2001:db8:1:2::9")).isEqualTo(2);
    assertThat(lookup(t, "2001:db8:1:3::9")).isEqualTo(1);
    assertThat(lookup(t, "2001:db8:ffff::1")).isEqualTo(3);
    assertThat(lookup(t, "2001:db8:ffff::2")).isEqualTo(RangeTable.NONE);
    assertThat(lookup(t, "2001:db9::1")).isEqualTo(RangeTable.NONE);
    assertThat(lookup(t, "::1")).isEqualTo(RangeTable.NONE);
    assertThat(lookup(t, "ffff::1")).isEqualTo(RangeTable.NONE);
  }

  @Test
  void emptyTable_matchesNothing() {
    assertThat(lookup(RangeTable.empty(), "1.2.3.4")).isEqualTo(RangeTable.NONE);
    assertThat(lookup(RangeTable.empty(), "::1")).isEqualTo(RangeTable.NONE);
  }

  @Test
  void randomNestedBlocks_agreeWithTheReferenceTable() {
    SplittableRandom rnd = new SplittableRandom(17);
    for (int round = 0; round < 30; round++) {
      Map<Cidr, Integer> ref = new LinkedHashMap<>();
      List<RangeTable.Entry> entries = new ArrayList<>();
      List<IpAddress> seeds = new ArrayList<>();
      int n = rnd.nextInt(1, 400);
      for (int i = 0; i < n; i++) {
        IpAddress a;
        if (!seeds.isEmpty() && rnd.nextInt(3) > 0) {
          IpAddress s = seeds.get(rnd.nextInt(seeds.size())); // near an earlier block: nesting
          a = s.isV4() ? IpAddress.ofV4((int) s.low() ^ rnd.nextInt(1 << rnd.nextInt(1, 20)))
              : IpAddress.ofV6(s.high(), s.low() ^ rnd.nextLong(1L << rnd.nextInt(1, 40)));
        } else {
          a = rnd.nextBoolean() ? IpAddress.ofV4(rnd.nextInt()) : IpAddress.ofV6(rnd.nextLong() | 1L << 40, rnd.nextLong());
        }
        seeds.add(a);
        Cidr c = Cidr.covering(a, rnd.nextInt(a.isV4() ? 8 : 16, a.bits() + 1));
        entries.add(new RangeTable.Entry(c, i));
        ref.put(c, i);
      }
      RangeTable t = RangeTable.of(entries);
      CidrTable<Integer> reference = CidrTable.of(ref);
      for (int q = 0; q < 3000; q++) {
        IpAddress s = seeds.get(rnd.nextInt(seeds.size()));
        IpAddress probe = switch (rnd.nextInt(3)) {
          case 0 -> s;
          case 1 -> s.isV4() ? IpAddress.ofV4((int) s.low() + rnd.nextInt(-300, 300))
              : IpAddress.ofV6(s.high(), s.low() + rnd.nextInt(-300, 300));
          default -> s.isV4() ? IpAddress.ofV4(rnd.nextInt()) : IpAddress.ofV6(s.high() ^ rnd.nextLong(1 << 20), rnd.nextLong());
        };
        Integer expected = reference.longestMatch(probe);
        int actual = probe.isV4() ? t.lookupV4(probe.low()) : t.lookupV6(probe.high(), probe.low());
        assertThat(actual).as("round %d, %s", round, probe).isEqualTo(expected == null ? RangeTable.NONE : expected);
      }
    }
  }

  @Test
  void largeTables_withWideAndNarrowBlocksAcrossManyIndexBuckets_agreeWithTheReferenceTable() {
    SplittableRandom rnd = new SplittableRandom(23);
    Map<Cidr, Integer> ref = new LinkedHashMap<>();
    List<RangeTable.Entry> entries = new ArrayList<>();
    for (int i = 0; i < 60_000; i++) {
      IpAddress a = i % 3 == 0 ? IpAddress.ofV6(0x2001_0db8_0000_0000L | rnd.nextLong(1L << 32), rnd.nextLong())
          : IpAddress.ofV4(rnd.nextInt());
      // mostly narrow blocks, some wide ones that span many index buckets and hold narrow ones
      int prefix = rnd.nextInt(20) == 0 ? rnd.nextInt(a.isV4() ? 4 : 32, a.isV4() ? 16 : 48)
          : rnd.nextInt(a.isV4() ? 20 : 56, a.bits() + 1);
      Cidr c = Cidr.covering(a, prefix);
      entries.add(new RangeTable.Entry(c, i));
      ref.put(c, i);
    }
    RangeTable t = RangeTable.of(entries);
    CidrTable<Integer> reference = CidrTable.of(ref);
    for (int q = 0; q < 200_000; q++) {
      RangeTable.Entry e = entries.get(rnd.nextInt(entries.size()));
      IpAddress n = e.cidr().network();
      IpAddress probe = switch (rnd.nextInt(4)) {
        case 0 -> n;
        case 1 -> n.isV4() ? IpAddress.ofV4((int) n.low() - 1) : IpAddress.ofV6(n.high(), n.low() - 1);
        case 2 -> n.isV4() ? IpAddress.ofV4((int) n.low() + rnd.nextInt(1 << 16)) : IpAddress.ofV6(n.high() + rnd.nextInt(3), rnd.nextLong());
        default -> rnd.nextBoolean() ? IpAddress.ofV4(rnd.nextInt()) : IpAddress.ofV6(0x2001_0db8_0000_0000L | rnd.nextLong(1L << 32), rnd.nextLong());
      };
      Integer expected = reference.longestMatch(probe);
      int actual = probe.isV4() ? t.lookupV4(probe.low()) : t.lookupV6(probe.high(), probe.low());
      assertThat(actual).as("%s", probe).isEqualTo(expected == null ? RangeTable.NONE : expected);
    }
  }
}
