package dev.portcullis.notifier.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * Serves the dashboard: a single page (HTML, JS, CSS) bundled in the jar, using the admin API. No
 * inline script or style, so a strict Content-Security-Policy holds; no framing, nothing cached.
 */
@Path("/")
public final class DashboardResource {

  @GET
  @Produces("text/html; charset=utf-8")
  public Response index() throws IOException {
    return asset("index.html", "text/html; charset=utf-8");
  }

  @GET
  @Path("dashboard/{file: [a-z]+\\.(js|css)}")
  public Response file(@PathParam("file") String file) throws IOException {
    return asset(file, file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
  }

  private static Response asset(String name, String type) throws IOException {
    try (InputStream in = DashboardResource.class.getResourceAsStream("/dashboard/" + name)) {
      if (in == null) {
        return Response.status(404).build();
      }
      return Response.ok(in.readAllBytes(), type).header("Cache-Control", "no-store")
          .header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
              + " form-action 'self'; frame-ancestors 'none'")
          .header("X-Frame-Options", "DENY").build();
    }
  }
}
