package dev.portcullis.notifier.operator;

import dev.portcullis.keys.Identifiers;
import java.security.Principal;

/** An authenticated person (or script): the actor of every change it makes. */
public record Operator(String name, Role role) implements Principal {

  public Operator {
    if (name == null || !Identifiers.isLabel(name)) {
      throw new IllegalArgumentException("an operator's name is 1-64 letters, digits, '.', '_', '-', was \"" + name + "\"");
    }
    if (role == null) {
      throw new IllegalArgumentException("an operator needs a role");
    }
  }

  @Override
  public String getName() {
    return name;
  }
}
