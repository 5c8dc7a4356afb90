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
    assertThat(c.api.tokenFile).isEqualTo("/etc/portcullis/api-tokens");
    assertThat(c.api.readsNeedToken).isTrue();
  }

  @Test
  void unknownKeysAndMissingToken_areErrors() throws Exception {
    Path f = tmp.resolve("bad.yml");
    Files.writeString(f, "api: {tokenFile: x}\nscan: {intervall: 1s}\n");
    assertThatThrownBy(() -> factory.build(new FileConfigurationSourceProvider(), f.toString()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("intervall");
    Files.writeString(f, "api: {}\n");
    assertThatThrownBy(() -> factory.build(new FileConfigurationSourceProvider(), f.toString()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("api.tokenFile must not be empty");
  }

  @Test
  void zooKeeperAcls_areOnByDefault_andNeedTheAdminIdentityFromAFileOrTheEnvironment() throws Exception {
    NotifierConfiguration.ZooKeeper zk = new NotifierConfiguration.ZooKeeper();
    assertThat(zk.acl).isTrue();
    assertThatThrownBy(zk::buildAccess).hasMessageContaining("set zooKeeper.credentials");
    zk.credentials = "ops:hunter2";
    assertThatThrownBy(zk::buildAccess).hasMessageContaining("file:/path or env:NAME").hasMessageNotContaining("hunter2");
    Path f = Files.writeString(tmp.resolve("zk-admin"), "ops:s3cret\n");
    zk.credentials = "file:" + f;
    assertThat(zk.buildAccess().credentials()).isEqualTo("ops:s3cret");
    assertThat(zk.buildAccess().znodeAcl()).isEqualTo(dev.portcullis.config.store.ZkAccess.ZnodeAcl.ADMIN_WRITES);
  }

  @Test
  void kafkaProperties_fromTheFileAndTheMap_reachEveryClient_andBehaviourSettingsAreRefused() throws Exception {
    NotifierConfiguration.Kafka k = new NotifierConfiguration.Kafka();
    k.propertiesFile = Files.writeString(tmp.resolve("k.properties"), "security.protocol=SSL\nssl.keystore.type=PKCS12\n")
        .toString();
    k.properties = java.util.Map.of("security.protocol", "SASL_SSL");
    assertThat(k.buildConnection().configs()).containsEntry("security.protocol", "SASL_SSL").containsEntry("ssl.keystore.type",
        "PKCS12");
    k.properties = java.util.Map.of("linger.ms", "0");
    assertThatThrownBy(k::buildConnection).hasMessageContaining("kafka property linger.ms is not a connection setting");
  }
}
