package dev.portcullis.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifierConfigurationTest {

  private final YamlConfigurationFactory<NotifierConfiguration> factory = new YamlConfigurationFactory<>(
      NotifierConfiguration.class, Validators.newValidator(),
      Jackson.newObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES), "dw");

  @TempDir
  Path tmp;

  @Test
  void exampleConfigInTheRepository_parses() throws Exception {
    NotifierConfiguration c = factory.build(new FileConfigurationSourceProvider(), "../config/notifier.yml");
    assertThat(c.redis.cluster).isTrue();
    assertThat(c.scan.interval.toMilliseconds()).isEqualTo(250);
    assertThat(c.api.token).isEqualTo("change-me");
  }

  @Test
  void unknownKeysAndMissingToken_areErrors() throws Exception {
    Path f = tmp.resolve("bad.yml");
    Files.writeString(f, "api: {token: x}\nscan: {intervall: 1s}\n");
    assertThatThrownBy(() -> factory.build(new FileConfigurationSourceProvider(), f.toString()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("intervall");
    Files.writeString(f, "api: {}\n");
    assertThatThrownBy(() -> factory.build(new FileConfigurationSourceProvider(), f.toString()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("api.token must not be empty");
  }
}
