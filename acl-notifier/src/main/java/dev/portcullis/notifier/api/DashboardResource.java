package dev.portcullis.notifier.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/** Serves the dashboard: a single page (HTML, JS, CSS) bundled in the jar, using the admin API. */
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
      return Response.ok(in.readAllBytes(), type).header("Cache-Control", "no-cache").build();
    }
  }
}
