package io.tributary.stream.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidInputException;
import io.tributary.core.config.ConfigNode;
import io.tributary.core.config.FunctionSpec;
import io.tributary.core.config.TributaryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionSpecsTest {
  @TempDir Path dataDir;

  @Test
  void everyTypeRoundTripsThroughItsJsonForm() {
    TributaryConfig config =
        TributaryConfig.fromYaml(
            """
            egress: {allowed-hosts: ["c:1"]}
            secrets: {token: {allowed-hosts: ["c:1"]}}
            topics: [{name: t, key: show_id}]
            functions:
              - name: enrich
                topic: t
                type: http-enrich
                url: http://c:1/shows/{show_id}?v={meta.version}
                headers: {Authorization: "Bearer ${secret:token}"}
                keep: [title, /creator/name]
                rename: {creator_name: author}
                emit-to: shows
                timeout: 2s
                concurrency: 4
                batch-size: 100
              - {name: f, topic: t, type: filter, where: "a == 1 or b exists", emit-to: x}
              - name: r
                topic: t
                type: route
                routes: [{when: "a in [1, 2]", emit-to: y}]
              - {name: j, topic: t, type: java, class: a.B, options: {k: v}, emit-to: z, key: id}
            """,
            "test");
    for (FunctionSpec spec : config.functions()) {
      FunctionSpec back =
          FunctionSpecs.fromJson(spec.name(), FunctionSpecs.toJson(spec).toString());
      assertThat(FunctionSpecs.toJson(back)).isEqualTo(FunctionSpecs.toJson(spec));
      assertThat(back.type()).isEqualTo(spec.type());
      assertThat(back.retry()).isEqualTo(spec.retry());
    }
    assertThat(FunctionSpecs.toJson(config.functions().get(0)).path("headers").toString())
        .contains("${secret:token}");
  }

  @Test
  void pathNameAndBodyNameMustAgree() {
    assertThatThrownBy(
            () ->
                FunctionSpecs.fromJson(
                    "a", "{\"name\": \"b\", \"topic\": \"t\", \"type\": \"filter\"}"))
        .hasMessageContaining("must match the function name in the path");
    assertThatThrownBy(() -> FunctionSpecs.fromJson("a", "{nope"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> FunctionSpec.fromConfig("a", new ConfigNode(null, "function 'a'")))
        .hasMessageContaining("Missing required key function 'a'.type");
  }

  @Test
  void secretsComeFromTheEnvironmentThenFilesAndErrorsNeverShowValues() throws Exception {
    Files.createDirectories(dataDir.resolve("secrets"));
    Files.writeString(dataDir.resolve("secrets/from_file"), "file-value\n");
    Secrets secrets =
        new Secrets(
            StoredValues.NONE, Map.of("TRIBUTARY_SECRET_CATALOG_TOKEN", "env-value")::get, dataDir);
    assertThat(secrets.resolve("Bearer ${secret:catalog_token}", "h"))
        .isEqualTo("Bearer env-value");
    assertThat(secrets.resolve("${secret:from_file}/${secret:catalog_token}", "h"))
        .isEqualTo("file-value/env-value");
    assertThat(secrets.resolve("no $ref {here}", "h")).isEqualTo("no $ref {here}");
    assertThatThrownBy(() -> secrets.resolve("${secret:other-one}", "function 'x' header A"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("function 'x' header A")
        .hasMessageContaining("TRIBUTARY_SECRET_OTHER_ONE")
        .hasMessageContaining("<data-dir>/secrets/other-one")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(dataDir.toString()));
  }

  @Test
  void theStoreComesFirstAndIsAskedAtEveryUse() throws Exception {
    Files.createDirectories(dataDir.resolve("secrets"));
    Files.writeString(dataDir.resolve("secrets/api_key"), "file-value");
    Map<String, String> store = new java.util.HashMap<>(Map.of("api_key", "v1"));
    Map<String, String> variables = new java.util.HashMap<>(Map.of("region", "eu"));
    StoredValues stored =
        new StoredValues() {
          @Override
          public java.util.Optional<String> secret(String name) {
            return java.util.Optional.ofNullable(store.get(name));
          }

          @Override
          public java.util.Optional<String> variable(String key) {
            return java.util.Optional.ofNullable(variables.get(key));
          }
        };
    Secrets secrets = new Secrets(stored, name -> null, dataDir);
    assertThat(secrets.resolve("${secret:api_key}@${var:region}", "h")).isEqualTo("v1@eu");
    store.put("api_key", "v2");
    variables.put("region", "us");
    assertThat(secrets.resolve("${secret:api_key}@${var:region}", "h")).isEqualTo("v2@us");
    store.remove("api_key");
    assertThat(secrets.resolve("${secret:api_key}", "h")).isEqualTo("file-value");
    assertThatThrownBy(() -> secrets.resolve("${var:zone}", "function 'x' header B"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("function 'x' header B")
        .hasMessageContaining("variable 'zone'")
        .hasMessageContaining("PUT /v1/variables/zone");
  }

  @Test
  void secretNamesAreIdentifiersNeverPaths() {
    for (String reference :
        new String[] {
          "${secret:/etc/hostname}",
          "${secret:../x}",
          "${secret:..}",
          "${secret:a.b}",
          "${secret:}",
          "${secret:x",
          "Bearer ${secret:ok} ${secret:a/b}"
        }) {
      String json =
          "{\"name\": \"e\", \"topic\": \"t\", \"type\": \"http-enrich\", \"emit-to\": \"s\","
              + " \"url\": \"http://c:1/x\", \"headers\": {\"A\": \""
              + reference
              + "\"}}";
      assertThatThrownBy(() -> FunctionSpecs.fromJson("e", json))
          .as(reference)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("headers.A")
          .hasMessageContaining("secret reference");
    }
    String fine =
        "{\"name\": \"e\", \"topic\": \"t\", \"type\": \"http-enrich\", \"emit-to\": \"s\","
            + " \"url\": \"http://c:1/x\", \"headers\": {\"A\": \"${secret:a-b_1} x\"}}";
    assertThat(FunctionSpecs.fromJson("e", fine).http().headers())
        .containsEntry("A", "${secret:a-b_1} x");
  }
}
