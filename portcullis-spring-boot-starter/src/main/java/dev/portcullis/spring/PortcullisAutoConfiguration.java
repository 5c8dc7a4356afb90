package dev.portcullis.spring;

import com.codahale.metrics.MetricRegistry;
import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.AclClientBuilder;
import dev.portcullis.client.http.AclServletFilter;
import dev.portcullis.client.http.ClientIpResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Portcullis in a Spring Boot 3 servlet application: with {@code portcullis.app} set, an
 * {@link AclClient} bean that starts with the application context (its start returns at once, reading
 * nothing on the caller's thread) and is closed with it, and the {@link AclServletFilter} in front of
 * {@code portcullis.url-patterns}. A service that defines its own {@code AclClient} bean keeps it.
 */
@AutoConfiguration
@ConditionalOnClass({AclClient.class, FilterRegistrationBean.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "portcullis", name = {"app"})
@EnableConfigurationProperties(PortcullisProperties.class)
public class PortcullisAutoConfiguration {

  /** The client, started here and closed by the context ({@code close} is idempotent). */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "portcullis", name = "enabled", matchIfMissing = true)
  public AclClient portcullisClient(PortcullisProperties p, Environment env, ObjectProvider<MetricRegistry> metrics) {
    AclClientBuilder b = AclClient.builder(p.getApp())
        .node(p.getNode() != null ? p.getNode() : hostName() + ":" + env.getProperty("server.port", "8080"));
    if (p.getKafka() != null) {
      b.kafka(p.getKafka());
    }
    if (p.getKafkaPropertiesFile() != null) {
      b.kafkaProperties(Path.of(p.getKafkaPropertiesFile()));
    }
    if (p.getZookeeper() != null) {
      b.zooKeeper(p.getZookeeper());
    }
    if (p.getSnapshotFile() != null) {
      b.snapshotFile(Path.of(p.getSnapshotFile()));
    }
    MetricRegistry registry = metrics.getIfAvailable();
    if (registry != null) {
      b.metrics(registry);
    }
    AclClient client = b.build();
    client.start();
    return client;
  }

  /** The filter, first in the chain by default. */
  @Bean
  @ConditionalOnProperty(prefix = "portcullis", name = "enabled", matchIfMissing = true)
  public FilterRegistrationBean<AclServletFilter> portcullisFilter(AclClient client, PortcullisProperties p) {
    List<Cidr> proxies = new ArrayList<>();
    for (String c : p.getTrustedProxies()) {
      try {
        proxies.add(Cidr.parse(c));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("portcullis.trusted-proxies: " + e.getMessage(), e);
      }
    }
    FilterRegistrationBean<AclServletFilter> r = new FilterRegistrationBean<>(new AclServletFilter(client,
        new ClientIpResolver(proxies, p.getForwardingHeader()), null, p.getCallerHeader(), p.isRateLimitHeaders()));
    r.setName("portcullis");
    r.setUrlPatterns(p.getUrlPatterns());
    r.setOrder(p.getFilterOrder());
    return r;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }
}
