package dev.portcullis.spring;

import dev.portcullis.client.http.ForwardingHeader;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code portcullis.*}: which app the service is, where Kafka and ZooKeeper are, and how its proxies
 * report the client address. Only {@code portcullis.app} is required; without {@code kafka} the
 * service decides but reports nothing, without {@code zookeeper} it decides from its snapshot file.
 */
@ConfigurationProperties("portcullis")
public class PortcullisProperties {

  /** The app whose rules apply (required: without it the starter does nothing). */
  private String app;
  /** This instance's node name in the app's live nodes; default host:port of the service. */
  private String node;
  /** Kafka bootstrap servers. */
  private String kafka;
  /** A Kafka client properties file (TLS, SASL). */
  private String kafkaPropertiesFile;
  /** ZooKeeper connect string. */
  private String zookeeper;
  /** Where the client keeps its last rules, to decide from them at the next start. */
  private String snapshotFile;
  /** The proxies and load balancers whose forwarding header is believed. */
  private List<String> trustedProxies = List.of();
  /** The one header they write the client address into. */
  private ForwardingHeader forwardingHeader = ForwardingHeader.X_FORWARDED_FOR;
  /** A header carrying the caller id for quotas. */
  private String callerHeader;
  /** The URL patterns the filter guards. */
  private List<String> urlPatterns = List.of("/*");
  /** The filter's order among the servlet filters (first by default: refused requests cost nothing more). */
  private int filterOrder = Integer.MIN_VALUE + 10;
  /** Add the IETF httpapi draft's {@code RateLimit} header to limited answers. */
  private boolean rateLimitHeaders;
  /** Set false to keep the client and filter out (e.g. in a test profile). */
  private boolean enabled = true;

  public String getApp() {
    return app;
  }

  public void setApp(String app) {
    this.app = app;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getKafka() {
    return kafka;
  }

  public void setKafka(String kafka) {
    this.kafka = kafka;
  }

  public String getKafkaPropertiesFile() {
    return kafkaPropertiesFile;
  }

  public void setKafkaPropertiesFile(String kafkaPropertiesFile) {
    this.kafkaPropertiesFile = kafkaPropertiesFile;
  }

  public String getZookeeper() {
    return zookeeper;
  }

  public void setZookeeper(String zookeeper) {
    this.zookeeper = zookeeper;
  }

  public String getSnapshotFile() {
    return snapshotFile;
  }

  public void setSnapshotFile(String snapshotFile) {
    this.snapshotFile = snapshotFile;
  }

  public List<String> getTrustedProxies() {
    return trustedProxies;
  }

  public void setTrustedProxies(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  public ForwardingHeader getForwardingHeader() {
    return forwardingHeader;
  }

  public void setForwardingHeader(ForwardingHeader forwardingHeader) {
    this.forwardingHeader = forwardingHeader;
  }

  public String getCallerHeader() {
    return callerHeader;
  }

  public void setCallerHeader(String callerHeader) {
    this.callerHeader = callerHeader;
  }

  public List<String> getUrlPatterns() {
    return urlPatterns;
  }

  public void setUrlPatterns(List<String> urlPatterns) {
    this.urlPatterns = urlPatterns;
  }

  public int getFilterOrder() {
    return filterOrder;
  }

  public void setFilterOrder(int filterOrder) {
    this.filterOrder = filterOrder;
  }

  public boolean isRateLimitHeaders() {
    return rateLimitHeaders;
  }

  public void setRateLimitHeaders(boolean rateLimitHeaders) {
    this.rateLimitHeaders = rateLimitHeaders;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }
}
