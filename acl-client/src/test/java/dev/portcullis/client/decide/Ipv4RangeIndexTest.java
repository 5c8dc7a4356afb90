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

/** The bucketed IPv4 layout answers like the reference table on the paths a plain test mix rarely takes. */
class Ipv4RangeIndexTest {

  private record Built(RangeTable table, CidrTable<Integer> reference, List<Cidr> blocks) {}

  private static Built build(List<Cidr> blocks, int firstLabel) {
    Map<Cidr, Integer> ref = new LinkedHashMap<>();
    List<RangeTable.Entry> entries = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      entries.add(new RangeTable.Entry(blocks.get(i), firstLabel + i));
      ref.put(blocks.get(i), firstLabel + i);
    }
    return new Built(RangeTable.of(entries), CidrTable.of(ref), blocks);
  }

  private static void assertAgrees(Built b, SplittableRandom rnd, int probes) {
    for (int q = 0; q < probes; q++) {
      Cidr c = b.blocks().get(rnd.nextInt(b.blocks().size()));
      long n = c.network().low();
      long probe = switch (rnd.nextInt(4)) {
        case 0 -> n;
        case 1 -> (n - 1) & 0xFFFF_FFFFL;
        case 2 -> (n + rnd.nextInt(64)) & 0xFFFF_FFFFL;
        default -> rnd.nextInt() & 0xFFFF_FFFFL;
      };
      Integer expected = b.reference().longestMatch(IpAddress.ofV4((int) probe));
      assertThat(b.table().lookupV4(probe)).as("%s", IpAddress.ofV4((int) probe))
          .isEqualTo(expected == null ? RangeTable.NONE : expected);
    }
  }

  @Test
  void crowdedBuckets_areAnsweredFromTheSideArray() {
    SplittableRandom rnd = new SplittableRandom(3);
    List<Cidr> blocks = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      // most blocks packed into 10.0.0.0/16: many starts per bucket
      int a = i % 4 == 0 ? rnd.nextInt() : 0x0A00_0000 | rnd.nextInt(1 << 16);
      blocks.add(Cidr.covering(IpAddress.ofV4(a), rnd.nextInt(4) == 0 ? 30 : 32));
    }
    Built b = build(blocks, 0);
    assertThat(b.table().v4Index().overflowBuckets()).isPositive();
    assertAgrees(b, rnd, 200_000);
  }

  @Test
  void labelsWiderThanTheSlots_areRenumbered() {
    SplittableRandom rnd = new SplittableRandom(4);
    List<Cidr> blocks = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      blocks.add(Cidr.covering(IpAddress.ofV4(rnd.nextInt()), rnd.nextInt(16, 33)));
    }
    Built b = build(blocks, 5_000_000); // a small IPv4 table whose labels come after many IPv6 ones
    assertThat(b.table().v4Index().renumbered()).isTrue();
    assertAgrees(b, rnd, 50_000);
  }

  @Test
  void wholeSpaceAndItsEdges() {
    Built b = build(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("0.0.0.0/32"), Cidr.parse("255.255.255.255/32"),
        Cidr.parse("128.0.0.0/1"), Cidr.parse("127.255.255.255/32")), 0);
    assertThat(b.table().lookupV4(0)).isEqualTo(1);
    assertThat(b.table().lookupV4(1)).isEqualTo(0);
    assertThat(b.table().lookupV4(0x7FFF_FFFEL)).isEqualTo(0);
    assertThat(b.table().lookupV4(0x7FFF_FFFFL)).isEqualTo(4);
    assertThat(b.table().lookupV4(0x8000_0000L)).isEqualTo(3);
    assertThat(b.table().lookupV4(0xFFFF_FFFEL)).isEqualTo(3);
    assertThat(b.table().lookupV4(0xFFFF_FFFFL)).isEqualTo(2);
    assertAgrees(b, new SplittableRandom(5), 10_000);
  }

  @Test
  void aBlockStartingOnTheLastAddressOfABucket_isFound() {
    // 2^8 buckets for a small table: a bucket is a /8; x.255.255.255 is the last address of one
    Built b = build(List.of(Cidr.parse("9.255.255.255/32"), Cidr.parse("10.0.0.0/32"), Cidr.parse("9.0.0.0/32")), 0);
    assertThat(b.table().lookupV4(0x09FF_FFFFL)).isEqualTo(0);
    assertThat(b.table().lookupV4(0x09FF_FFFEL)).isEqualTo(RangeTable.NONE);
    assertThat(b.table().lookupV4(0x0A00_0000L)).isEqualTo(1);
    assertThat(b.table().lookupV4(0x0900_0000L)).isEqualTo(2);
    assertThat(b.table().lookupV4(0x0900_0001L)).isEqualTo(RangeTable.NONE);
  }
}
