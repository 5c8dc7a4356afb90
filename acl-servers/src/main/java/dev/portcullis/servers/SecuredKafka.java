package dev.portcullis.servers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A KRaft broker as a secured production cluster runs one: clients connect through SASL_SSL with
 * SCRAM-SHA-512 ({@link KRaftBroker#bootstrapServers()}) or through TLS with a client certificate
 * ({@link #mtlsBootstrapServers()}, the principal being the certificate's CN), certificates from
 * {@link Certificates}; the controller listener takes SASL_SSL with PLAIN for the broker's own
 * identity, and {@code StandardAuthorizer} refuses whatever no ACL allows
 * ({@code allow.everyone.if.no.acl.found=false}); {@code admin} is the one super user. Loopback only.
 *
 * @param broker  the running broker
 * @param mtlsPort the port of its TLS listener that requires client certificates
 */
public record SecuredKafka(KRaftBroker broker, int mtlsPort) implements AutoCloseable {

  /** The broker's own identity and super user. */
  public static final String ADMIN = "admin";

  /** The TLS listener with client certificates. */
  public String mtlsBootstrapServers() {
    return "127.0.0.1:" + mtlsPort;
  }

  @Override
  public void close() {
    broker.close();
  }

  /**
   * Formats and starts the broker.
   *
   * @param users SCRAM users and their passwords; {@link #ADMIN} among them
   */
  public static SecuredKafka start(Path dir, Certificates certs, Map<String, String> users) {
    String adminPassword = users.get(ADMIN);
    if (adminPassword == null) {
      throw new IllegalArgumentException("users must include " + ADMIN);
    }
    int[] ports = Ports.freeLoopbackPorts(3);
    int port = ports[0];
    int controllerPort = ports[1];
    int mtlsPort = ports[2];
    Map<String, String> p = new HashMap<>();
    p.put("listeners", "SASL_SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort + ",MTLS://127.0.0.1:"
        + mtlsPort);
    p.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + port + ",MTLS://127.0.0.1:" + mtlsPort);
    p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SASL_SSL,MTLS:SSL");
    p.put("listener.name.mtls.ssl.client.auth", "required");
    p.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)$/$1/,DEFAULT");
    p.put("inter.broker.listener.name", "SASL_SSL");
    p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    p.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
    p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", scramJaas(ADMIN, adminPassword));
    p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put("listener.name.controller.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
        + " required username=\"" + ADMIN + "\" password=\"" + adminPassword + "\" user_" + ADMIN + "=\"" + adminPassword
        + "\";");
    p.put("ssl.keystore.type", "PKCS12");
    p.put("ssl.keystore.location", certs.keyStore("server").toString());
    p.put("ssl.keystore.password", certs.password());
    p.put("ssl.key.password", certs.password());
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", certs.ca().toString());
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:" + ADMIN);
    p.put("allow.everyone.if.no.acl.found", "false");
    List<String> scram = new ArrayList<>();
    users.forEach((user, password) -> scram.add("SCRAM-SHA-512=[name=" + user + ",password=" + password + "]"));
    Map<String, Object> admin = new HashMap<>(clientProperties(certs, ADMIN, adminPassword));
    return new SecuredKafka(KRaftBroker.start(dir, port, controllerPort, p, scram, admin, true), mtlsPort);
  }

  /** The client properties of the holder of {@code name}'s certificate, for {@link #mtlsBootstrapServers()}. */
  public static Map<String, String> mtlsClientProperties(Certificates certs, String name) {
    return Map.of("security.protocol", "SSL", "ssl.keystore.type", "PKCS12",
        "ssl.keystore.location", certs.keyStore(name).toString(), "ssl.keystore.password", certs.password(),
        "ssl.truststore.type", "PEM", "ssl.truststore.location", certs.ca().toString());
  }

  /** The client properties of {@code user}: SASL_SSL, SCRAM-SHA-512, trusting the test CA (PEM). */
  public static Map<String, String> clientProperties(Certificates certs, String user, String password) {
    return Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
        "sasl.jaas.config", scramJaas(user, password), "ssl.truststore.type", "PEM",
        "ssl.truststore.location", certs.ca().toString());
  }

  static String scramJaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
        + password + "\";";
  }
}
