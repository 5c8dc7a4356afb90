package dev.portcullis.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority for tests of TLS: a CA, a server certificate for 127.0.0.1 and
 * {@code localhost}, and client certificates, generated with {@code openssl} into a folder. Every
 * server and client reads them as it would in production: PEM for Redis and trust stores, PKCS12 key
 * stores (password {@link #password()}) for the JVM. Valid for two days.
 *
 * @param dir where the files are
 */
public record Certificates(Path dir) {

  private static final String PASSWORD = "portcullis-test-store";

  /** Generates the CA, the server's certificate and one client certificate per name, in {@code dir}. */
  public static Certificates generate(Path dir, List<String> clients) {
    Certificates c = new Certificates(dir);
    try {
      Files.createDirectories(dir);
      c.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
          "-subj", "/CN=Portcullis test CA", "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign");
      c.issue("server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
      for (String client : clients) {
        c.issue(client, client, "extendedKeyUsage=clientAuth\n");
      }
      return c;
    } catch (IOException e) {
      throw new IllegalStateException("could not generate test certificates in " + dir + ": " + e, e);
    }
  }

  private void issue(String name, String commonName, String extensions) throws IOException {
    Path ext = dir.resolve(name + ".ext");
    Files.writeString(ext, extensions, StandardCharsets.US_ASCII);
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        name + ".crt", "-days", "2", "-extfile", name + ".ext");
    openssl("pkcs12", "-export", "-in", name + ".crt", "-inkey", name + ".key", "-certfile", "ca.pem", "-name", name,
        "-out", name + ".p12", "-passout", "pass:" + PASSWORD);
  }

  private void openssl(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Path log = dir.resolve("openssl.log");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("openssl " + String.join(" ", args) + " failed: " + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running openssl", e);
    }
  }

  /** The CA's certificate (PEM): the trust store of every server and client. */
  public Path ca() {
    return dir.resolve("ca.pem");
  }

  /** {@code name}'s certificate (PEM); {@code server} for the servers'. */
  public Path certificate(String name) {
    return dir.resolve(name + ".crt");
  }

  /** {@code name}'s private key (unencrypted PKCS#8 PEM). */
  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  /** {@code name}'s key and certificate chain as a PKCS12 key store, password {@link #password()}. */
  public Path keyStore(String name) {
    return dir.resolve(name + ".p12");
  }

  /** The password of every key store. */
  public String password() {
    return PASSWORD;
  }
}
