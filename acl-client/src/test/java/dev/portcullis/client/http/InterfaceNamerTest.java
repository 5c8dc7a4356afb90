package dev.portcullis.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InterfaceNamerTest {

  @Test
  void pathsWithIdentifierSegmentsCountAsOneInterface() {
    assertThat(InterfaceNamer.name("GET", "/items/42")).isEqualTo("GET /items/{id}");
    assertThat(InterfaceNamer.name("GET", "/users/3f2504e0-4f89-11d3-9a0c-0305e82c3301/cart"))
        .isEqualTo("GET /users/{id}/cart");
    assertThat(InterfaceNamer.name("GET", "/blobs/00ff00ff00ff00ff00")).isEqualTo("GET /blobs/{id}");
    assertThat(InterfaceNamer.name("GET", "/items/abc")).isEqualTo("GET /items/abc");
    assertThat(InterfaceNamer.name("GET", "")).isEqualTo("GET /");
    assertThat(InterfaceNamer.name(null, "/a|b")).as("'|' separates key parts").isEqualTo("? /a_b");
  }

  @Test
  void templatesLoseParameterRegexesAndStraySlashes() {
    assertThat(InterfaceNamer.template("GET", "/items/{id}")).isEqualTo("GET /items/{id}");
    assertThat(InterfaceNamer.template("GET", "items//{ id : \\d{1,9} }/")).isEqualTo("GET /items/{id}");
    assertThat(InterfaceNamer.template("GET", "/{kind: a|b}/x")).isEqualTo("GET /{kind}/x");
    assertThat(InterfaceNamer.template("DELETE", "/")).isEqualTo("DELETE /");
    assertThat(InterfaceNamer.template("GET", null)).isEqualTo("GET /");
    assertThat(InterfaceNamer.template("GET", "/odd{brace")).as("an unbalanced brace is kept as text")
        .isEqualTo("GET /odd{brace");
    assertThat(InterfaceNamer.template("GET", "/a|b")).isEqualTo("GET /a_b");
  }

  @Test
  void namesAreBoundedInLength() {
    String longPath = "/seg".repeat(200);
    assertThat(InterfaceNamer.name("GET", longPath)).hasSize(200);
    assertThat(InterfaceNamer.template("GET", longPath)).hasSizeLessThanOrEqualTo(200);
  }
}
