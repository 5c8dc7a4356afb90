package dev.portcullis.redis;

import dev.portcullis.transport.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;

/**
 * How a component authenticates to Redis and protects the connection: an ACL user (Redis 6+) with
 * its password, and TLS trusting the CA of {@code caFile} (PEM, as Redis's own {@code tls-ca-cert-file}),
 * with a client certificate from {@code keyStore} (PKCS12) when the server asks for one
 * ({@code tls-auth-clients}). Passwords are {@link Secret} references, read when a connection is made
 * and never shown by {@link #toString()}.
 *
 * @param user             the ACL user, or null for none ({@code password} alone authenticates the default user)
 * @param password         the password's source, or null for no AUTH
 * @param tls              true to connect with TLS
 * @param caFile           PEM file of the CA that signed the servers' certificates, or null for the JDK's trust store
 * @param keyStore         PKCS12 file with the client's key and certificate, or null
 * @param keyStorePassword its password's source; required with {@code keyStore}
 */
public record RedisSecurity(String user, Secret password, boolean tls, Path caFile, Path keyStore, Secret keyStorePassword) {

  /** No AUTH, no TLS. */
  public static final RedisSecurity NONE = new RedisSecurity(null, null, false, null, null, null);

  public RedisSecurity {
    if (user != null && password == null) {
      throw new IllegalArgumentException("redis user " + user + " needs a password (file:/path or env:NAME)");
    }
    if (!tls && (caFile != null || keyStore != null)) {
      throw new IllegalArgumentException("redis caFile and keyStore need tls: true");
    }
    if (keyStore != null && keyStorePassword == null) {
      throw new IllegalArgumentException("redis keyStore " + keyStore + " needs a keyStorePassword (file:/path or env:NAME)");
    }
  }

  /** Applies AUTH and TLS to a Jedis client config under construction. */
  void applyTo(DefaultJedisClientConfig.Builder b) {
    if (password != null) {
      b.user(user).password(password.value());
    }
    if (tls) {
      b.ssl(true).sslSocketFactory(socketFactory());
    }
  }

  private SSLSocketFactory socketFactory() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caFile != null) {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(caFile)) {
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            trust.setCertificateEntry("ca-" + i++, c);
          }
        }
        if (i == 0) {
          throw new IllegalArgumentException("redis caFile " + caFile + " holds no PEM certificate");
        }
        tmf.init(trust);
      } else {
        tmf.init((KeyStore) null);
      }
      KeyManagerFactory kmf = null;
      if (keyStore != null) {
        char[] pw = keyStorePassword.value().toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
          keys.load(in, pw);
        }
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, pw);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS to Redis (caFile " + caFile + ", keyStore " + keyStore + "): "
          + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "RedisSecurity[user=" + user + ", password=" + password + ", tls=" + tls + ", caFile=" + caFile + ", keyStore="
        + keyStore + ", keyStorePassword=" + keyStorePassword + "]";
  }
}
