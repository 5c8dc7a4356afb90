package dev.portcullis.notifier.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portcullis.config.store.ConfigConflictException;
import dev.portcullis.config.store.ConfigStoreException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Map;

/** Maps domain exceptions to HTTP answers whose body names the problem. */
public final class ApiErrors {

  private ApiErrors() {}

  static Response error(int status, String message) {
    return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", message)).build();
  }

  /** 400 for invalid input (bad IP, bad document, bad argument). */
  public static final class BadInput implements ExceptionMapper<IllegalArgumentException> {
    @Override
    public Response toResponse(IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
  }

  /** 400 for a body that is not JSON, saying where it stops being JSON. */
  public static final class MalformedJson implements ExceptionMapper<JsonProcessingException> {
    @Override
    public Response toResponse(JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      return error(400, "the body is not valid JSON" + where + ": " + e.getOriginalMessage());
    }
  }

  /** 409 when a compare-and-set write lost a race or the entry exists. */
  public static final class Conflict implements ExceptionMapper<ConfigConflictException> {
    @Override
    public Response toResponse(ConfigConflictException e) {
      return error(409, e.getMessage());
    }
  }

  /** 503 when a change's audit record cannot be written (the change was not made). */
  public static final class AuditDown implements ExceptionMapper<ChangeAudit.Unavailable> {
    @Override
    public Response toResponse(ChangeAudit.Unavailable e) {
      return error(503, e.getMessage());
    }
  }

  /** 422 when a change is refused by the blast-radius guard; the message says how to force it. */
  public static final class TooWide implements ExceptionMapper<Guard.TooWide> {
    @Override
    public Response toResponse(Guard.TooWide e) {
      return error(e.status(), e.getMessage());
    }
  }

  /** 503 when ZooKeeper is unreachable or refuses. */
  public static final class StoreDown implements ExceptionMapper<ConfigStoreException> {
    @Override
    public Response toResponse(ConfigStoreException e) {
      return error(503, e.getMessage());
    }
  }
}
