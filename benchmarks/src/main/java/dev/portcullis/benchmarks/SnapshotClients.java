package dev.portcullis.benchmarks;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.ConfigSnapshot;
import dev.portcullis.config.ConfigTreeCodec;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.ListEntry;
import dev.portcullis.config.watch.SnapshotFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Clients as a service builds them, with a workload's blocks as global deny entries in a snapshot file. */
final class SnapshotClients {

  private SnapshotClients() {}

  /** Writes the blocks, each once (the generator may draw a /24 twice), as a snapshot file. */
  static void write(Path file, List<Cidr> blocks) throws java.io.IOException {
    List<ListEntry> deny = new ArrayList<>();
    for (Cidr c : new LinkedHashSet<>(blocks)) {
      deny.add(new ListEntry(c, null, "", "bench", 1));
    }
    new SnapshotFile(file, new ConfigTreeCodec(new ConfigCodec()))
        .write(new ConfigSnapshot(GlobalPolicy.DEFAULT, List.of(), deny, Map.of(), 1));
  }

  /**
   * A started client for app {@code shop} on {@code snapshot}, with the rules in force; {@code bootstrap}
   * null for no Kafka.
   */
  static AclClient started(Path snapshot, String bootstrap) throws InterruptedException {
    var builder = AclClient.builder("shop").node("bench:1").snapshotFile(snapshot);
    AclClient client = (bootstrap == null ? builder : builder.kafka(bootstrap)).build();
    client.start();
    if (!client.awaitRules(Duration.ofMinutes(2))) {
      client.close();
      throw new IllegalStateException("the snapshot's rules were not in force after 2 minutes");
    }
    return client;
  }
}
