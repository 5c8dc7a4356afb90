package dev.portcullis.app;

import dev.portcullis.address.Cidr;
import dev.portcullis.client.AclClient;
import dev.portcullis.client.http.AclServletFilter;
import dev.portcullis.client.http.ClientIpResolver;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/**
 * The demo's business service: plain Jetty with two apps behind the Portcullis servlet filter:
 * {@code /shop/*} (an OPEN app) and {@code /proxy/*} (a CLOSED, allowlist-only admin proxy). In the
 * demo it listens on 127.0.0.1 and its traffic comes through a "load balancer" on loopback, so
 * {@code X-Forwarded-For} from 127.0.0.1 is trusted and carries the simulated client address.
 */
final class SampleService implements AutoCloseable {

  private final Server server;

  /** On 127.0.0.1, a free port, trusting forwarding headers from loopback: the demo's setting. */
  SampleService(AclClient shop, AclClient proxy) {
    this(shop, proxy, "127.0.0.1", 0, List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("::1/128")));
  }

  /** @param trustedProxies peers whose forwarding headers are honoured */
  SampleService(AclClient shop, AclClient proxy, String host, int port, List<Cidr> trustedProxies) {
    server = new Server();
    ServerConnector http = new ServerConnector(server);
    http.setHost(host);
    http.setPort(port);
    server.addConnector(http);
    ClientIpResolver lb = new ClientIpResolver(trustedProxies);
    ContextHandlerCollection apps = new ContextHandlerCollection();
    apps.addHandler(app("/shop", shop, lb, "items"));
    apps.addHandler(app("/proxy", proxy, lb, "admin console"));
    server.setHandler(apps);
  }

  private static ServletContextHandler app(String path, AclClient client, ClientIpResolver lb, String what) {
    ServletContextHandler ctx = new ServletContextHandler(path);
    ctx.addFilter(new FilterHolder(new AclServletFilter(client, lb, r -> r.getMethod() + " " + path + "/"
        + (r.getPathInfo() == null ? "" : r.getPathInfo().replaceAll("/\\d+", "/{id}").replaceFirst("^/", "")), null)),
        "/*", EnumSet.of(DispatcherType.REQUEST));
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setContentType("text/plain");
        res.getWriter().println("here are your " + what);
      }
    }), "/*");
    return ctx;
  }

  void start() throws Exception {
    server.start();
  }

  int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
