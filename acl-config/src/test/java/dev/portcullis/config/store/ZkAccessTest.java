package dev.portcullis.config.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;

class ZkAccessTest {

  @Test
  void toString_neverShowsThePassword() {
    ZkAccess a = new ZkAccess("127.0.0.1:2181", ZkAccess.ZnodeAcl.ADMIN_WRITES, "ops:s3cret", ZkAccess.DEFAULT_SESSION_TIMEOUT);
    assertThat(a.toString()).contains("ops:****").doesNotContain("s3cret");
    assertThat(ZkAccess.open("127.0.0.1:2181").toString()).contains("credentials=none");
  }

  @Test
  void adminWrites_givesAllToTheIdentityAndReadToAnyone() {
    ZkAccess a = new ZkAccess("127.0.0.1:2181", ZkAccess.ZnodeAcl.ADMIN_WRITES, "ops:s3cret", ZkAccess.DEFAULT_SESSION_TIMEOUT);
    assertThat(a.aclForCreate()).hasSize(2);
    ACL admin = a.aclForCreate().get(0);
    assertThat(admin.getPerms()).isEqualTo(ZooDefs.Perms.ALL);
    assertThat(admin.getId().getScheme()).isEqualTo("digest");
    assertThat(admin.getId().getId()).startsWith("ops:").doesNotContain("s3cret");
    assertThat(a.aclForCreate().get(1)).isEqualTo(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    assertThat(a.canWrite()).isTrue();
  }

  @Test
  void adminWritesWithoutCredentials_cannotWrite() {
    ZkAccess a = new ZkAccess("127.0.0.1:2181", ZkAccess.ZnodeAcl.ADMIN_WRITES, null, ZkAccess.DEFAULT_SESSION_TIMEOUT);
    assertThat(a.canWrite()).isFalse();
    assertThatThrownBy(a::aclForCreate).hasMessageContaining("no credentials");
  }

  @Test
  void open_isWorldWritable() {
    assertThat(ZkAccess.open("127.0.0.1:2181").aclForCreate()).isEqualTo(ZooDefs.Ids.OPEN_ACL_UNSAFE);
    assertThat(ZkAccess.reader("127.0.0.1:2181", "svc:pw").credentials()).isEqualTo("svc:pw");
  }

  @Test
  void invalidSettings_areRefusedWithTheFieldNamed() {
    assertThatThrownBy(() -> ZkAccess.open(" ")).hasMessageContaining("connect string");
    assertThatThrownBy(() -> ZkAccess.reader("127.0.0.1:2181", "nopassword")).hasMessageContaining("user:password");
    assertThatThrownBy(() -> ZkAccess.open("127.0.0.1:2181").withSessionTimeout(Duration.ofMillis(10)))
        .hasMessageContaining("sessionTimeout must be at least 1 s");
    assertThatThrownBy(() -> new ZkAccess("127.0.0.1:2181", null, null, ZkAccess.DEFAULT_SESSION_TIMEOUT))
        .hasMessageContaining("znodeAcl");
  }

  @Test
  void registrations_mayBeCreatedAndDeletedByAnyone_butTheFolderIsTheAdmins() {
    ZkAccess a = new ZkAccess("127.0.0.1:2181", ZkAccess.ZnodeAcl.ADMIN_WRITES, "ops:s3cret", ZkAccess.DEFAULT_SESSION_TIMEOUT);
    assertThat(a.registrationAcl().get(0)).isEqualTo(a.aclForCreate().get(0));
    assertThat(a.registrationAcl().get(1)).isEqualTo(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.CREATE | ZooDefs.Perms.DELETE,
        ZooDefs.Ids.ANYONE_ID_UNSAFE));
    assertThat(ZkAccess.open("127.0.0.1:2181").registrationAcl()).isEqualTo(ZooDefs.Ids.OPEN_ACL_UNSAFE);
  }

  @Test
  void clientConfig_takesZooKeeperPropertiesOnly_andHidesPasswords() {
    ZkAccess tls = ZkAccess.open("127.0.0.1:2281").withClientConfig(Map.of("zookeeper.client.secure", "true",
        "zookeeper.ssl.keyStore.password", "ks-secret-9"));
    assertThat(tls.clientConfig()).containsEntry("zookeeper.client.secure", "true");
    assertThat(tls.toString()).contains("zookeeper.client.secure=true").contains("zookeeper.ssl.keyStore.password=****")
        .doesNotContain("ks-secret-9");
    assertThatThrownBy(() -> ZkAccess.open("127.0.0.1:2281").withClientConfig(Map.of("client.secure", "true")))
        .hasMessageContaining("ZooKeeper client property client.secure is not a ZooKeeper client setting");
  }
}
