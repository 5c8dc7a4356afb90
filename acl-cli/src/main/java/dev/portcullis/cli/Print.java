package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** Output for people or, with {@code --json}, for scripts. */
final class Print {

  private Print() {}

  static void document(ConfigCli cli, JsonNode doc, String note) {
    if (cli.json) {
      cli.out.println(cli.codec.json().text(doc));
    } else {
      cli.out.println(cli.codec.json().pretty(doc));
      if (note != null) {
        cli.out.println("(" + note + ")");
      }
    }
  }
}
