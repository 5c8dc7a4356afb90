package dev.portcullis.app;

import dev.portcullis.aggregator.AggregatorSettings;
import dev.portcullis.aggregator.AggregatorWorker;
import dev.portcullis.app.kafkaacl.KafkaAclsCommand;
import dev.portcullis.client.AclClient;
import dev.portcullis.config.AppPolicy;
import dev.portcullis.config.ConfigCodec;
import dev.portcullis.config.GlobalPolicy;
import dev.portcullis.config.Ladder;
import dev.portcullis.config.store.ConfigStore;
import dev.portcullis.config.store.Versioned;
import dev.portcullis.config.store.ZkAccess;
import dev.portcullis.keys.ZkPaths;
import dev.portcullis.notifier.NotifierApplication;
import dev.portcullis.notifier.operator.Operator;
import dev.portcullis.notifier.operator.Role;
import dev.portcullis.notifier.operator.TokenFile;
import dev.portcullis.redis.RedisEndpoints;
import dev.portcullis.redis.RedisSecurity;
import dev.portcullis.servers.Certificates;
import dev.portcullis.servers.Folders;
import dev.portcullis.servers.KRaftBroker;
import dev.portcullis.servers.Ports;
import dev.portcullis.servers.RedisProcess;
import dev.portcullis.servers.SecuredKafka;
import dev.portcullis.servers.TlsZooKeeper;
import dev.portcullis.testkit.Timeouts;
import dev.portcullis.transport.KafkaConnection;
import dev.portcullis.transport.Secret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/**
 * The whole system on servers secured as a production deployment secures them, every one real and
 * on loopback: Kafka with SASL_SSL (SCRAM-SHA-512) only, {@code StandardAuthorizer} and the ACLs that
 * {@code portcullis kafka-acls --apply} creates for three principals; ZooKeeper over TLS only, its tree
 * written with digest ACLs by an admin identity; Redis over TLS only with the default user off and
 * one ACL user each for the aggregator and the notifier (the README's lines). One aggregator, one
 * notifier (in this JVM, from a YAML file as an operator writes it, credentials in files) and clients
 * of app {@code shop} that hold the services' Kafka identity and no ZooKeeper identity at all.
 */
final class SecuredStack implements AutoCloseable {

  static final String SERVICES = "svc-shop";
  static final String AGGREGATOR = "aggregator";
  static final String NOTIFIER = "notifier";
  static final String ZK_ADMIN = "portcullis-admin";
  static final int LIMIT_PER_SECOND = 20;
  /** The API token of the notifier's one operator, a viewer. */
  static final String VIEWER_TOKEN = UUID.randomUUID().toString();

  final Path dir;
  final Certificates certs;
  final Map<String, String> passwords = new LinkedHashMap<>();
  KRaftBroker kafka;
  SecuredKafka securedKafka;
  TlsZooKeeper zk;
  RedisProcess redis;
  AggregatorWorker aggregator;
  ConfigStore store;
  int apiPort;
  private final List<AutoCloseable> parts = new ArrayList<>();
  private NotifierApplication notifier;

  SecuredStack() throws Exception {
    dir = Files.createTempDirectory("portcullis-secured-");
    certs = Certificates.generate(dir.resolve("certs"), List.of(AGGREGATOR, NOTIFIER, SERVICES));
    for (String user : List.of(SecuredKafka.ADMIN, SERVICES, AGGREGATOR, NOTIFIER, ZK_ADMIN)) {
      passwords.put(user, UUID.randomUUID().toString());
    }
  }

  SecuredStack start() throws Exception {
    Map<String, String> kafkaUsers = new LinkedHashMap<>(passwords);
    kafkaUsers.remove(ZK_ADMIN);
    securedKafka = own(SecuredKafka.start(dir.resolve("kafka"), certs, kafkaUsers));
    kafka = securedKafka.broker();
    applyKafkaAcls();

    zk = own(TlsZooKeeper.start(dir.resolve("zookeeper"), certs));
    ZkAccess admin = new ZkAccess(zk.connectString(), ZkAccess.ZnodeAcl.ADMIN_WRITES, ZK_ADMIN + ":" + passwords.get(ZK_ADMIN),
        Duration.ofSeconds(15), TlsZooKeeper.clientConfig(certs));
    CuratorFramework curator = own(admin.newClient());
    curator.start();
    if (!curator.blockUntilConnected(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("could not connect to " + zk.describe() + " over TLS");
    }
    store = new ConfigStore(curator, new ZkPaths(), new ConfigCodec(), admin);
    store.ensureLayout();
    store.setGlobalPolicy(new GlobalPolicy((long) LIMIT_PER_SECOND, null, Ladder.DEFAULT, Duration.ofHours(24), false, ZoneOffset.UTC),
        Versioned.ABSENT);
    store.setAppPolicy("shop", AppPolicy.DEFAULT, Versioned.ABSENT);

    redis = own(RedisProcess.startTls(certs, redisAclFile()));

    aggregator = own(new AggregatorWorker(AggregatorSettings.defaults(kafka.bootstrapServers(),
        redisAs(AGGREGATOR), dir.resolve("aggregator")).withKafka(kafkaAs(AGGREGATOR))
        .withTopics("acl.access", "acl.access.dlq", 4).withAdminPort(-1)));
    aggregator.start();
    Timeouts.await("the aggregator's Kafka Streams running under its ACLs", Duration.ofSeconds(120),
        () -> aggregator.streamsState() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);

    apiPort = Ports.freeLoopbackPort();
    notifier = new NotifierApplication();
    notifier.run("server", notifierYaml().toString());
    parts.add(notifier::stop);
    Timeouts.await("the notifier leading, with the intercepts in force read", Duration.ofSeconds(60),
        () -> notifier.service() != null && notifier.service().isLeader() && notifier.service().notServingReason() == null);
    return this;
  }

  /** Runs {@code portcullis kafka-acls --apply} as the admin, from a properties file as an operator would. */
  private void applyKafkaAcls() throws Exception {
    Path adminProps = secretFile("admin.properties", properties(SecuredKafka.clientProperties(certs, SecuredKafka.ADMIN,
        passwords.get(SecuredKafka.ADMIN))));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = KafkaAclsCommand.run(new String[] {"--service", "User:" + SERVICES, "--aggregator", "User:" + AGGREGATOR,
        "--notifier", "User:" + NOTIFIER, "--bootstrap-server", kafka.bootstrapServers(), "--command-config",
        adminProps.toString(), "--apply"}, new PrintWriter(out), new PrintWriter(err));
    if (code != 0) {
      throw new IllegalStateException("kafka-acls --apply failed (" + code + "): " + err + out);
    }
  }

  /** The Redis users as the README writes them; {@code default} off, so no connection goes unauthenticated. */
  List<String> redisAclFile() {
    return redisAcl(passwords);
  }

  /** The Redis ACL lines for these users' passwords (those of {@link #AGGREGATOR} and {@link #NOTIFIER}). */
  static List<String> redisAcl(Map<String, String> passwords) {
    return List.of("user default off",
        "user " + AGGREGATOR + " on >" + passwords.get(AGGREGATOR) + " resetkeys ~pc:*:s:* ~pc:*:m:* ~pc:*:ps:* ~pc:*:pm:*"
            + " ~pc:*:ts:* ~pc:*:tm:* ~pc:*:ns:* ~pc:*:nm:* ~pc:*:q:* ~pc:*:qh:* ~pc:*:ws:* resetchannels -@all +zadd +expire +zremrangebyrank +ping +cluster|slots +cluster|shards"
            + " +cluster|nodes +client|setinfo",
        "user " + NOTIFIER + " on >" + passwords.get(NOTIFIER) + " resetkeys ~pc:* resetchannels -@all +zrange"
            + " +zrangebyscore +zrevrange +zscore +hget +hset +expire +ping +cluster|slots +cluster|shards +cluster|nodes"
            + " +client|setinfo");
  }

  KafkaConnection kafkaAs(String user) {
    return new KafkaConnection(kafka.bootstrapServers(), SecuredKafka.clientProperties(certs, user, passwords.get(user)));
  }

  RedisEndpoints redisAs(String user) throws Exception {
    Path pw = secretFile("redis-" + user, passwords.get(user));
    return new RedisEndpoints(List.of("127.0.0.1:" + redis.port()), false, 2000,
        new RedisSecurity(user, new Secret("file:" + pw), true, certs.ca(), null, null));
  }

  /** A client of {@code shop}: the services' Kafka identity, TLS to ZooKeeper without any identity. */
  AclClient client(String node) {
    AclClient c = own(AclClient.builder("shop").node(node).kafka(kafka.bootstrapServers())
        .kafkaProperties(SecuredKafka.clientProperties(certs, SERVICES, passwords.get(SERVICES)))
        .zooKeeper(zk.connectString()).zkClientConfig(TlsZooKeeper.clientConfig(certs))
        .snapshotFile(dir.resolve("shop-" + node + ".snapshot")).build());
    c.start();
    return c;
  }

  /**
   * The notifier's YAML: Kafka's SCRAM login read by Kafka's own FileConfigProvider from a file, the
   * ZooKeeper and Redis credentials as file references, TLS everywhere.
   */
  private Path notifierYaml() throws Exception {
    Path jaas = secretFile("notifier-kafka.properties", "jaas=" + SecuredKafka.clientProperties(certs, NOTIFIER,
        passwords.get(NOTIFIER)).get("sasl.jaas.config").replace("\\", "\\\\"));
    Path zkCredentials = secretFile("zk-admin", ZK_ADMIN + ":" + passwords.get(ZK_ADMIN));
    Path redisPassword = secretFile("redis-" + NOTIFIER, passwords.get(NOTIFIER));
    Path yml = dir.resolve("notifier.yml");
    Files.writeString(yml, String.join("\n",
        "id: secured-notifier",
        "kafka:",
        "  bootstrapServers: \"" + kafka.bootstrapServers() + "\"",
        "  properties:",
        "    security.protocol: SASL_SSL",
        "    sasl.mechanism: SCRAM-SHA-512",
        "    sasl.jaas.config: \"${file:" + jaas + ":jaas}\"",
        "    config.providers: file",
        "    config.providers.file.class: org.apache.kafka.common.config.provider.FileConfigProvider",
        "    ssl.truststore.type: PEM",
        "    ssl.truststore.location: \"" + certs.ca() + "\"",
        "zooKeeper:",
        "  connect: \"" + zk.connectString() + "\"",
        "  credentials: \"file:" + zkCredentials + "\"",
        "  clientConfig:",
        indent(TlsZooKeeper.clientConfig(certs)),
        "redis:",
        "  nodes: [\"127.0.0.1:" + redis.port() + "\"]",
        "  cluster: false",
        "  user: " + NOTIFIER,
        "  password: \"file:" + redisPassword + "\"",
        "  tls: true",
        "  caFile: \"" + certs.ca() + "\"",
        "scan: {interval: 250ms, janitorInterval: 1s}",
        "api: {tokenFile: \"" + secretFile("api-tokens", TokenFile.line(new Operator("ops", Role.VIEWER), VIEWER_TOKEN)) + "\"}",
        "server:",
        "  type: default",
        "  applicationConnectors: [{type: http, bindHost: 127.0.0.1, port: " + apiPort + "}]",
        "  adminConnectors: [{type: http, bindHost: 127.0.0.1, port: " + Ports.freeLoopbackPort() + "}]",
        "  requestLog: {appenders: []}",
        "logging: {level: WARN}",
        ""));
    return yml;
  }

  private static String indent(Map<String, String> m) {
    List<String> lines = new ArrayList<>();
    m.forEach((k, v) -> lines.add("    " + k + ": \"" + v + "\""));
    return String.join("\n", lines);
  }

  private static String properties(Map<String, String> m) {
    StringBuilder sb = new StringBuilder();
    m.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
    return sb.toString();
  }

  /** A file readable by its owner only, as secrets are kept. */
  Path secretFile(String name, String content) throws Exception {
    Path f = dir.resolve("secrets").resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  private <T extends AutoCloseable> T own(T part) {
    parts.add(part);
    return part;
  }

  @Override
  public void close() {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        System.err.println("closing " + parts.get(i) + ": " + e);
      }
    }
    Folders.deleteRecursively(dir);
  }
}
