package dev.portcullis.notifier.api;

import dev.portcullis.notifier.operator.Operator;
import dev.portcullis.notifier.operator.Role;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Map;

/**
 * The API side of the blast-radius guard: a change that {@code BlastRadius} refuses is made only when
 * an {@code admin} forces it with a reason ({@code "force": "<why>"}), and its audit record then says
 * {@code forced} and why.
 */
final class Guard {

  /** A change refused by the guard: 422 (force it), 403 (forcing needs an admin) or 400 (no reason). */
  static final class TooWide extends RuntimeException {
    private final int status;

    TooWide(int status, String message) {
      super(message);
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  private Guard() {}

  /**
   * @param refusal why the guard refuses the change, or null if it does not
   * @param force   the reason given to force it, or null
   * @return the audit evidence of the change: {@code forced} and why when it was forced
   */
  static Map<String, String> check(String refusal, String force, SecurityContext sc) {
    if (refusal == null) {
      return Map.of();
    }
    if (force == null) {
      throw new TooWide(422, refusal + "; an admin may force it by adding \"force\": \"<why>\" (audited as forced)");
    }
    Operator op = OperatorAuthFilter.operator(sc);
    if (op == null || !op.role().includes(Role.ADMIN)) {
      throw new TooWide(403, refusal + "; forcing it needs an admin" + (op == null ? "" : ", and " + op.name() + " is a "
          + op.role()));
    }
    if (force.isBlank()) {
      throw new TooWide(400, "force needs a reason: \"force\": \"<why>\"");
    }
    return Map.of("forced", force.length() > 200 ? force.substring(0, 200) : force);
  }
}
