package dev.portcullis.client.emit;

import dev.portcullis.keys.KafkaKeys;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serializer;

/** Writes an {@link KafkaKeys.AccessKey} as its wire form {@code <app>|<ip>}, UTF-8. */
public final class AccessKeySerializer implements Serializer<KafkaKeys.AccessKey> {

  @Override
  public byte[] serialize(String topic, KafkaKeys.AccessKey key) {
    return key == null ? null : key.toString().getBytes(StandardCharsets.UTF_8);
  }
}
