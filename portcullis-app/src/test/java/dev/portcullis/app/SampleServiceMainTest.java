package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.address.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleServiceMainTest {

  @Test
  void options_defaultToLoopbackAndTakeEveryDocumentedFlag() {
    SampleServiceMain.Options d = SampleServiceMain.parse(new String[0]);
    assertThat(d.error()).isNull();
    assertThat(d.bind()).isEqualTo("127.0.0.1");
    assertThat(d.port()).isEqualTo(8080);
    assertThat(d.trusted()).isEmpty();

    SampleServiceMain.Options o = SampleServiceMain.parse(new String[] {"--kafka", "kafka:9092", "--zk", "zookeeper:2181",
        "--bind", "0.0.0.0", "--port", "18080", "--trust", "10.0.0.0/8", "--trust", "::1"});
    assertThat(o.error()).isNull();
    assertThat(o.kafka()).isEqualTo("kafka:9092");
    assertThat(o.zk()).isEqualTo("zookeeper:2181");
    assertThat(o.port()).isEqualTo(18080);
    assertThat(o.trusted()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1/128"));
    assertThat(SampleServiceMain.parse(new String[] {"--help"}).help()).isTrue();
  }

  @Test
  void badArguments_areNamedInTheError() {
    for (List<String> bad : List.of(List.of("--port", "x"), List.of("--port", "70000"), List.of("--trust", "10.0.0.1/8"),
        List.of("--nope", "1"), List.of("--kafka"))) {
      SampleServiceMain.Options o = SampleServiceMain.parse(bad.toArray(new String[0]));
      assertThat(o.error()).as(bad.toString()).isNotNull().containsAnyOf("--port", "--trust", "--nope", "--kafka");
    }
  }
}
