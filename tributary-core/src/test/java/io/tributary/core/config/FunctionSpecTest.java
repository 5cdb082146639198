package io.tributary.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class FunctionSpecTest {
  private static final String ISSUE_EXAMPLE =
      """
      egress: { allowed-hosts: ["catalog:8081"] }
      topics:
        - name: catalog_changes
      functions:
        - name: enrich_shows
          topic: catalog_changes
          type: http-enrich
          url: http://catalog:8081/shows/{show_id}
          keep: [show_id, title, creator.name, schedule.start]   # nested paths flatten
          emit-to: show_catalog
          retry: { attempts: 5, initial-delay: 200ms, max-delay: 2s }
      """;

  private static TributaryConfig config(String yaml) {
    return TributaryConfig.fromYaml(yaml, "test");
  }

  @Test
  void theIssuesMinimalConfigReadsWithPinnedDefaults() {
    TributaryConfig config = config(ISSUE_EXAMPLE);
    assertThat(config.topics()).containsExactly(new TopicSpec("catalog_changes", 1, null));
    FunctionSpec f = config.functions().get(0);
    assertThat(f.name()).isEqualTo("enrich_shows");
    assertThat(f.type()).isEqualTo(FunctionSpec.Type.HTTP_ENRICH);
    assertThat(f.emitTo()).isEqualTo("show_catalog");
    assertThat(f.deadLetterStream()).isEqualTo("enrich_shows_dlq");
    assertThat(f.consumerGroup()).isEqualTo("tributary-fn-enrich_shows");
    assertThat(f.retry())
        .isEqualTo(new FunctionSpec.Retry(5, Duration.ofMillis(200), Duration.ofSeconds(2)));
    assertThat(f.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(f.concurrency()).isEqualTo(16);
    assertThat(f.batchSize()).isEqualTo(500);
    assertThat(f.key()).as("first URL placeholder").isEqualTo(FieldPath.parse("show_id"));
    assertThat(f.http().keep())
        .extracting(FieldPath::columnName)
        .containsExactly("show_id", "title", "creator_name", "schedule_start");
    assertThat(f.http().url().expand(new ObjectMapper().createObjectNode().put("show_id", "a b/c")))
        .isEqualTo(URI.create("http://catalog:8081/shows/a%20b%2Fc"));
    assertThat(f.targets()).containsExactly("show_catalog");
    assertThat(FunctionSpec.Retry.DEFAULT)
        .isEqualTo(new FunctionSpec.Retry(3, Duration.ofMillis(200), Duration.ofSeconds(5)));
  }

  @Test
  void retryCeilingDoublesUpToTheMaximum() {
    FunctionSpec.Retry retry =
        new FunctionSpec.Retry(6, Duration.ofMillis(200), Duration.ofSeconds(1));
    assertThat(List.of(1, 2, 3, 4, 5).stream().map(retry::ceiling).map(Duration::toMillis))
        .containsExactly(200L, 400L, 800L, 1000L, 1000L);
  }

  @Test
  void filterRouteAndJavaFunctionsRead() {
    TributaryConfig config =
        config(
            """
            topics: [{name: plays, key: show_id, partitions: 6}]
            functions:
              - {name: likes, topic: plays, type: filter, where: "kind == 'like'", emit-to: likes}
              - name: router
                topic: plays
                type: route
                routes:
                  - {when: "kind in ['like', 'share']", emit-to: social}
                  - {when: "kind == 'play'", emit-to: listens}
                emit-to: other
              - {name: custom, topic: plays, type: java, class: com.example.Fn, options: {a: "1"},
                 emit-to: custom_out, key: user.id}
            """);
    assertThat(config.topics().get(0))
        .isEqualTo(new TopicSpec("plays", 6, FieldPath.parse("show_id")));
    assertThat(config.functions().get(0).where().text()).isEqualTo("kind == 'like'");
    assertThat(config.functions().get(1).targets()).containsExactly("listens", "other", "social");
    FunctionSpec custom = config.functions().get(2);
    assertThat(custom.className()).isEqualTo("com.example.Fn");
    assertThat(custom.options()).isEqualTo(Map.of("a", "1"));
    assertThat(custom.key().segments()).isEqualTo(FieldPath.parse("/user/id").segments());
    assertThat(config("topics: [{name: t, key: k}]").topics().get(0).partitions()).isEqualTo(3);
  }

  @Test
  void errorsNameTheKeyAndTheValue() {
    assertThatThrownBy(() -> config(ISSUE_EXAMPLE.replace("topic: catalog_changes", "topic: nope")))
        .hasMessageContaining("functions[0].topic")
        .hasMessageContaining("'nope'")
        .hasMessageContaining("catalog_changes");
    assertThatThrownBy(() -> config(ISSUE_EXAMPLE.replace("shows/{show_id}", "shows/{show_id")))
        .hasMessageContaining("functions[0].url")
        .hasMessageContaining("unclosed '{'");
    assertThatThrownBy(() -> config(ISSUE_EXAMPLE.replace("shows/{show_id}", "shows/{}")))
        .hasMessageContaining("functions[0].url")
        .hasMessageContaining("bad placeholder {}");
    assertThatThrownBy(() -> config(ISSUE_EXAMPLE.replace("http://catalog:8081", "catalog:8081")))
        .hasMessageContaining("absolute http://");
    assertThatThrownBy(() -> config(ISSUE_EXAMPLE.replace("creator.name", "creator..name")))
        .hasMessageContaining("functions[0].keep[2]")
        .hasMessageContaining("creator..name");
    assertThatThrownBy(() -> config(ISSUE_EXAMPLE.replace("max-delay: 2s", "max-delay: 100ms")))
        .hasMessageContaining("functions[0].retry.max-delay")
        .hasMessageContaining("100ms");
    assertThatThrownBy(() -> config(ISSUE_EXAMPLE.replace("attempts: 5", "attempts: 0")))
        .hasMessageContaining("functions[0].retry.attempts");
    assertThatThrownBy(() -> config(ISSUE_EXAMPLE.replace("emit-to: show_catalog", "")))
        .hasMessageContaining("Missing required key functions[0].emit-to");
    assertThatThrownBy(
            () ->
                config(ISSUE_EXAMPLE.replace("emit-to: show_catalog", "emit-to: catalog_changes")))
        .hasMessageContaining("must not emit to the topic it subscribes to");
    assertThatThrownBy(
            () ->
                config(
                    ISSUE_EXAMPLE.replace(
                        "type: http-enrich", "type: http-enrich\n    where: a == 1")))
        .hasMessageContaining("Unknown key functions[0].where");
    assertThatThrownBy(() -> config(ISSUE_EXAMPLE.replace("type: http-enrich", "type: lambda")))
        .hasMessageContaining("functions[0].type")
        .hasMessageContaining("http-enrich");
    assertThatThrownBy(
            () ->
                config(
                    "topics: [{name: t}]\nfunctions: [{name: f, topic: t, type: filter,"
                        + " where: \"a = 1\", emit-to: x}]"))
        .hasMessageContaining("functions[0].where")
        .hasMessageContaining("a = 1");
    assertThatThrownBy(() -> config("topics: [{name: t}, {name: t}]"))
        .hasMessageContaining("topic declared twice");
    assertThatThrownBy(() -> config("streams: [{name: s}]\ntopics: [{name: s}]"))
        .hasMessageContaining("a stream has this name");
    assertThatThrownBy(
            () ->
                config(
                    "topics: [{name: t}]\nfunctions: [{name: f, topic: t, type: java,"
                        + " class: \"not a class\", emit-to: x}]"))
        .hasMessageContaining("functions[0].class");
  }

  @Property(seed = "20261126", tries = 500)
  void urlValuesAreEncodedIntoOnePathSegment(@ForAll @StringLength(min = 1, max = 20) String id) {
    UrlTemplate template = UrlTemplate.parse("http://h:1/shows/{show_id}/x");
    URI uri = template.expand(new ObjectMapper().createObjectNode().put("show_id", id));
    String path = uri.getRawPath();
    assertThat(path).startsWith("/shows/").endsWith("/x");
    String segment = path.substring("/shows/".length(), path.length() - 2);
    assertThat(segment).doesNotContain("/");
    assertThat(
            java.net.URLDecoder.decode(
                segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(id);
  }

  @Property(seed = "20261126", tries = 1000)
  void urlTemplatesParseOrFailWithAnIllegalArgument(@ForAll @StringLength(max = 30) String tail) {
    try {
      UrlTemplate.parse("http://h/" + tail);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}
