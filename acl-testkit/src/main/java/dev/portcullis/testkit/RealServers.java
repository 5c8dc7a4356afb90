package dev.portcullis.testkit;

import dev.portcullis.servers.KafkaBroker;
import dev.portcullis.servers.Redis;
import dev.portcullis.servers.RedisCluster;
import dev.portcullis.servers.ZooKeeper;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that hands tests real servers, started on first use and shared by every test
 * in the JVM: declare a parameter of type {@link KafkaBroker}, {@link ZooKeeper}, {@link Redis} or
 * {@link RedisCluster} on a test method, constructor or {@code @BeforeAll} method.
 *
 * <pre>{@code
 * @ExtendWith(RealServers.class)
 * class NoticesIT {
 *   @Test void applied(KafkaBroker kafka, ZooKeeper zk) { ... }
 * }
 * }</pre>
 *
 * Servers live in the root context's store and are closed when the test run ends. A server that
 * cannot start fails the test with the reason. Tests that stop a shared server must start it again
 * before they return.
 */
public final class RealServers implements ParameterResolver {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RealServers.class);

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
    Class<?> t = pc.getParameter().getType();
    return t == KafkaBroker.class || t == ZooKeeper.class || t == Redis.class || t == RedisCluster.class
        || t == Servers.class;
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
    Class<?> t = pc.getParameter().getType();
    ExtensionContext.Store store = ec.getRoot().getStore(NS);
    Servers servers = store.getOrComputeIfAbsent(Servers.class, k -> Servers.fromSystemProperties(), Servers.class);
    if (t == Servers.class) {
      return servers;
    }
    Function<Servers, AutoCloseable> factory;
    if (t == KafkaBroker.class) {
      factory = Servers::kafka;
    } else if (t == ZooKeeper.class) {
      factory = Servers::zooKeeper;
    } else if (t == Redis.class) {
      factory = Servers::redis;
    } else {
      factory = Servers::redisCluster;
    }
    try {
      return store.getOrComputeIfAbsent(t, k -> factory.apply(servers));
    } catch (RuntimeException e) {
      throw new ParameterResolutionException("could not start a real " + t.getSimpleName() + " ("
          + servers.backend() + " backend): " + e.getMessage(), e);
    }
  }
}
