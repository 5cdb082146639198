package io.tributary.stream.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.config.ConfigNode;
import io.tributary.core.config.EgressPolicy;
import io.tributary.core.config.FunctionSpec;
import io.tributary.core.config.TopicSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.stream.IngestGateway;
import io.tributary.stream.IngestResult;
import io.tributary.stream.KafkaTestSupport;
import io.tributary.stream.StreamLog;
import io.tributary.stream.StreamRegistry;
import io.tributary.stream.topic.TopicRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Functions against the real embedded broker and a real HTTP catalog service on loopback. */
class FunctionsIT {
  /** Seeds the retry back-off jitter, so a failing run can be repeated. */
  private static final long SEED = Long.getLong("functions.seed", 20261204L);

  static final ObjectMapper JSON = new ObjectMapper();
  static final TributaryConfig.Ingest LIMITS = TributaryConfig.Ingest.DEFAULT;

  @TempDir static Path dataDir;
  static StreamLog log;
  static StreamRegistry streams;
  static TopicRegistry topics;
  static FunctionService functions;
  static FakeCatalog catalog;
  static SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  static void start() throws IOException {
    catalog = new FakeCatalog();
    log =
        StreamLog.start(
            new TributaryConfig.Kafka(
                TributaryConfig.KafkaMode.EMBEDDED,
                KafkaTestSupport.freePort(),
                KafkaTestSupport.freePort(),
                null),
            dataDir);
    Supplier<Connection> db = KafkaTestSupport.sqlite(dataDir.resolve("catalog.db"));
    streams = new StreamRegistry(db, log, LIMITS, Clock.systemUTC());
    IngestGateway gateway = new IngestGateway(streams, log, LIMITS, meters, Clock.systemUTC());
    topics = new TopicRegistry(db, log, streams, gateway, LIMITS, Clock.systemUTC());
    functions = newService(db);
  }

  static FunctionService newService(Supplier<Connection> db) {
    Map<String, String> env = Map.of("TRIBUTARY_SECRET_CATALOG_TOKEN", "t0ken");
    EgressPolicy.HostRule fake =
        EgressPolicy.HostRule.parse("127.0.0.1:" + catalog.uri().getPort());
    EgressPolicy.HostRule closed = EgressPolicy.HostRule.parse("127.0.0.1:1");
    EgressPolicy egress =
        new EgressPolicy(
            List.of(fake, closed, EgressPolicy.HostRule.parse("localhost")),
            Map.of("catalog_token", List.of(fake), "nobody_knows", List.of(closed)),
            Set.of(kafkaPort()));
    return new FunctionService(
        db,
        log,
        streams,
        topics,
        dataDir,
        "node-1",
        StoredValues.NONE,
        env::get,
        FunctionPrivileges.ALL,
        egress,
        meters,
        Clock.systemUTC(),
        new Random(SEED));
  }

  @AfterAll
  static void stop() {
    functions.close();
    streams.close();
    log.close();
    catalog.close();
  }

  @Test
  void enrichesWithKeptFieldsAndRetriesTransientFailuresToSuccess() {
    topic("changes_a", "show_id");
    catalog.failTimes("a2", 2);
    FunctionSpec spec =
        function(
            """
            {"name": "enrich_a", "topic": "changes_a", "type": "http-enrich",
             "url": "%s/shows/{show_id}",
             "headers": {"Authorization": "Bearer ${secret:catalog_token}"},
             "keep": ["show_id", "title", "creator.name", "/schedule/start"],
             "rename": {"title": "show_title"},
             "emit-to": "shows_a",
             "retry": {"attempts": 5, "initial-delay": "50ms", "max-delay": "200ms"}}
            """
                .formatted(catalog.uri()));
    functions.put(spec);
    publish(
        "changes_a",
        """
        {"change_id": "c1", "show_id": "a1", "change": "updated"}
        {"change_id": "c2", "show_id": "a2", "change": "created", "title": "old title", \
        "creator_name": "old creator"}
        """);

    awaitProcessed("enrich_a", 2);
    List<JsonNode> out = json(readCommitted("shows_a"));
    assertThat(out).hasSize(2);
    JsonNode a2 =
        out.stream().filter(n -> n.path("show_id").asText().equals("a2")).findFirst().orElseThrow();
    assertThat(a2.path("change_id").asText()).isEqualTo("c2");
    assertThat(a2.path("change").asText()).isEqualTo("created");
    assertThat(a2.path("show_title").asText()).isEqualTo("Show a2");
    assertThat(a2.path("title").asText()).as("notification field kept").isEqualTo("old title");
    assertThat(a2.path("creator_name").asText()).as("the API wins").isEqualTo("Creator a2");
    assertThat(a2.path("notification_creator_name").asText()).isEqualTo("old creator");
    assertThat(a2.path("schedule_start").asText()).isEqualTo("2026-11-26T10:00:00Z");
    assertThat(a2.has("category")).isFalse();
    assertThat(catalog.calls("a2")).isEqualTo(3);
    FunctionStatus status = functions.status("enrich_a").orElseThrow();
    assertThat(status.retries()).isEqualTo(2);
    assertThat(status.emitted()).isEqualTo(2);
    assertThat(status.deadLetters()).isZero();
    assertThat(catalog.authorizations).contains("Bearer t0ken");
    assertThat(FunctionSpecs.toJson(functions.get("enrich_a").orElseThrow()).toString())
        .contains("${secret:catalog_token}")
        .doesNotContain("t0ken\"");
    assertThat(readCommitted("shows_a")).extracting(r -> new String(r.key())).contains("a1", "a2");
    assertThat(streams.get("shows_a")).as("emit-to declared as a stream").isPresent();
    assertThat(streams.get("enrich_a_dlq")).isPresent();
  }

  @Test
  void permanentFailuresAndExhaustedRetriesGoToDeadLettersWithReasons() {
    topic("changes_b", "show_id");
    catalog.delay("b_slow", 2_000);
    functions.put(
        function(
            """
            {"name": "enrich_b", "topic": "changes_b", "type": "http-enrich",
             "url": "%s/shows/{show_id}", "keep": ["title"], "emit-to": "shows_b",
             "timeout": "200ms", "retry": {"attempts": 2, "initial-delay": "10ms", "max-delay": "20ms"}}
            """
                .formatted(catalog.uri())));
    publish(
        "changes_b",
        """
        {"change_id": "1", "show_id": "missing_b"}
        {"change_id": "2", "show_id": "b_slow"}
        {"change_id": "3"}
        {"change_id": "4", "show_id": "b_ok"}
        """);
    awaitProcessed("enrich_b", 4);
    assertThat(json(readCommitted("shows_b")))
        .extracting(n -> n.path("change_id").asText())
        .containsExactly("4");
    Map<String, JsonNode> letters =
        json(readCommitted("enrich_b_dlq")).stream()
            .collect(
                Collectors.toMap(
                    n -> json(n.path("message").asText()).path("change_id").asText(), n -> n));
    assertThat(letters).containsOnlyKeys("1", "2", "3");
    assertThat(letters.get("1").path("error_code").asText()).isEqualTo("http_404");
    assertThat(letters.get("1").path("error").asText()).contains("404").contains("no such show");
    assertThat(letters.get("1").path("attempts").asInt()).isEqualTo(1);
    assertThat(letters.get("2").path("error_code").asText()).isEqualTo("timeout");
    assertThat(letters.get("2").path("error").asText()).contains("gave up after 2 attempts");
    assertThat(letters.get("2").path("attempts").asInt()).isEqualTo(2);
    assertThat(letters.get("3").path("error_code").asText()).isEqualTo("missing_field");
    assertThat(letters.get("3").path("function").asText()).isEqualTo("enrich_b");
    assertThat(letters.get("3").path("topic").asText()).isEqualTo("changes_b");
    assertThat(letters.get("3").has("offset")).isTrue();
    assertThat(functions.status("enrich_b").orElseThrow().deadLetters()).isEqualTo(3);
  }

  @Test
  void oneTopicFansOutToTwoFunctions() {
    topic("changes_c", "show_id");
    functions.put(
        function(
            """
            {"name": "enrich_c", "topic": "changes_c", "type": "http-enrich",
             "url": "%s/shows/{show_id}", "keep": ["title"], "emit-to": "shows_c"}
            """
                .formatted(catalog.uri())));
    functions.put(
        function(
            """
            {"name": "deletes_c", "topic": "changes_c", "type": "filter",
             "where": "change == 'deleted'", "emit-to": "deleted_c"}
            """));
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      body.append(
          "{\"show_id\":\"c%d\",\"change\":\"%s\"}\n"
              .formatted(i, i % 3 == 0 ? "deleted" : "updated"));
    }
    publish("changes_c", body.toString());
    awaitProcessed("enrich_c", 30);
    awaitProcessed("deletes_c", 30);
    assertThat(readCommitted("shows_c")).hasSize(30);
    assertThat(json(readCommitted("deleted_c")))
        .hasSize(10)
        .allSatisfy(n -> assertThat(n.path("change").asText()).isEqualTo("deleted"));
    assertThat(functions.status("deletes_c").orElseThrow().filtered()).isEqualTo(20);
  }

  @Test
  void orderPerKeyHoldsWithConcurrencyRetriesAndUnevenLatency() {
    topic("changes_d", "show_id");
    catalog.delay("d0", 15);
    catalog.delay("d1", 1);
    catalog.failTimes("d2", 3);
    catalog.delay("d3", 7);
    functions.put(
        function(
            """
            {"name": "enrich_d", "topic": "changes_d", "type": "http-enrich",
             "url": "%s/shows/{show_id}", "keep": ["title"], "emit-to": "shows_d",
             "concurrency": 4, "batch-size": 40,
             "retry": {"attempts": 5, "initial-delay": "5ms", "max-delay": "20ms"}}
            """
                .formatted(catalog.uri())));
    StringBuilder body = new StringBuilder();
    for (int seq = 0; seq < 25; seq++) {
      for (int key = 0; key < 4; key++) {
        body.append("{\"show_id\":\"d%d\",\"seq\":%d}\n".formatted(key, seq));
      }
    }
    publish("changes_d", body.toString());
    awaitProcessed("enrich_d", 100);
    Map<String, List<Integer>> seqByKey = new HashMap<>();
    for (JsonNode n : json(readCommitted("shows_d"))) {
      seqByKey
          .computeIfAbsent(n.path("show_id").asText(), k -> new ArrayList<>())
          .add(n.path("seq").asInt());
    }
    assertThat(seqByKey).hasSize(4);
    List<Integer> expected = java.util.stream.IntStream.range(0, 25).boxed().toList();
    seqByKey.values().forEach(seqs -> assertThat(seqs).containsExactlyElementsOf(expected));
    assertThat(functions.status("enrich_d").orElseThrow().retries()).isEqualTo(3);
  }

  @Test
  void aPoisonMessageDoesNotBlockTheOthers() {
    topic("changes_e", "show_id");
    catalog.delay("e_poison", 3_000);
    functions.put(
        function(
            """
            {"name": "enrich_e", "topic": "changes_e", "type": "http-enrich",
             "url": "%s/shows/{show_id}", "keep": ["title"], "emit-to": "shows_e",
             "timeout": "300ms", "concurrency": 4,
             "retry": {"attempts": 3, "initial-delay": "10ms", "max-delay": "50ms"}}
            """
                .formatted(catalog.uri())));
    StringBuilder body = new StringBuilder("{\"show_id\":\"e_poison\"}\n");
    for (int i = 0; i < 20; i++) {
      body.append("{\"show_id\":\"e%d\"}\n".formatted(i));
    }
    publish("changes_e", body.toString());
    // the other keys are handled while the poison message is still on its first attempt
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                java.util.stream.IntStream.range(0, 20).allMatch(i -> catalog.calls("e" + i) == 1));
    assertThat(catalog.calls("e_poison")).isLessThanOrEqualTo(1);
    awaitProcessed("enrich_e", 21);
    assertThat(readCommitted("shows_e")).hasSize(20);
    assertThat(json(readCommitted("enrich_e_dlq")))
        .singleElement()
        .satisfies(n -> assertThat(n.path("error_code").asText()).isEqualTo("timeout"));
  }

  @Test
  void routeAndJavaFunctions() {
    topic("changes_f", null);
    functions.put(
        function(
            """
            {"name": "route_f", "topic": "changes_f", "type": "route",
             "routes": [{"when": "change in ['created', 'updated'] and title exists",
                         "emit-to": "upserts_f"},
                        {"when": "change == 'deleted'", "emit-to": "deletes_f"}]}
            """));
    functions.put(
        function(
            """
            {"name": "upper_f", "topic": "changes_f", "type": "java",
             "class": "io.tributary.stream.function.UpperCaseTitle",
             "options": {"suffix": "!"}, "emit-to": "upper_f"}
            """));
    publish(
        "changes_f",
        """
        {"change": "created", "title": "one"}
        {"change": "updated"}
        {"change": "deleted", "title": "two"}
        {"change": "renamed", "title": "three", "fail": "this one"}
        """);
    awaitProcessed("route_f", 4);
    awaitProcessed("upper_f", 4);
    assertThat(json(readCommitted("upserts_f")))
        .extracting(n -> n.path("title").asText())
        .containsExactly("one");
    assertThat(json(readCommitted("deletes_f")))
        .extracting(n -> n.path("title").asText())
        .containsExactly("two");
    assertThat(json(readCommitted("upper_f")))
        .extracting(n -> n.path("title").asText() + n.path("suffix").asText())
        .containsExactlyInAnyOrder("ONE!", "TWO!");
    assertThat(json(readCommitted("upper_f_dlq")))
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.path("error_code").asText()).isEqualTo("bad_title");
              assertThat(n.path("error").asText()).isEqualTo("refusing this one");
            });
    FunctionStatus route = functions.status("route_f").orElseThrow();
    assertThat(route.filtered()).isEqualTo(2);
    assertThat(route.emitted()).isEqualTo(2);
  }

  @Test
  void restartMidFlightEmitsEveryMessageOnce() {
    topic("changes_g", "show_id");
    catalog.delay("g5", 400);
    Supplier<Connection> db =
        KafkaTestSupport.sqlite(dataDir.resolve("restart.db")); // only this test's function
    FunctionService first = newService(db);
    first.put(
        function(
            """
            {"name": "enrich_g", "topic": "changes_g", "type": "http-enrich",
             "url": "%s/shows/{show_id}", "keep": ["title"], "emit-to": "shows_g",
             "batch-size": 10}
            """
                .formatted(catalog.uri())));
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      body.append("{\"show_id\":\"g%d\",\"n\":%d}\n".formatted(i % 10, i));
    }
    publish("changes_g", body.toString());
    await().atMost(Duration.ofSeconds(20)).until(() -> catalog.calls("g5") >= 2);
    first.close(); // abandons the batch in hand
    FunctionService second = newService(db);
    try {
      second.startAll();
      await().atMost(Duration.ofSeconds(30)).until(() -> readCommitted("shows_g").size() >= 60);
      await().pollDelay(Duration.ofMillis(500)).until(() -> true);
      List<Integer> ns =
          json(readCommitted("shows_g")).stream().map(n -> n.path("n").asInt()).toList();
      assertThat(ns).hasSize(60).doesNotHaveDuplicates();
    } finally {
      second.close();
    }
  }

  @Test
  void publishingChecksTopicsContentTypesAndMessages() {
    topic("changes_h", "show_id");
    assertThatThrownBy(() -> publish("no_such_topic", "{\"a\":1}"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(
            () ->
                topics.publish(
                    "changes_h", "text/plain", new ByteArrayInputStream("{}".getBytes()), -1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Unsupported content type");
    IngestResult result =
        publish("changes_h", "{\"show_id\":\"h1\"}\n{not json}\n[1]\n{\"show_id\":7}\n");
    assertThat(result.accepted()).isEqualTo(2);
    assertThat(result.failed()).isEqualTo(2);
    assertThat(readCommitted("changes_h"))
        .extracting(r -> r.key() == null ? null : new String(r.key()))
        .containsExactlyInAnyOrder("h1", "7");
  }

  @Test
  void putRefusesUnknownTopicsMissingSecretsAndUnknownClasses() {
    topic("changes_i", null);
    assertThatThrownBy(
            () ->
                functions.put(
                    function(
                        """
                        {"name": "bad_i", "topic": "nope_i", "type": "filter",
                         "where": "a == 1", "emit-to": "x_i"}
                        """)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'nope_i'");
    assertThatThrownBy(
            () ->
                functions.put(
                    function(
                        """
                        {"name": "bad_i", "topic": "changes_i", "type": "http-enrich",
                         "url": "http://127.0.0.1:1/{id}", "emit-to": "x_i",
                         "headers": {"X-Key": "${secret:nobody_knows}"}}
                        """)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("TRIBUTARY_SECRET_NOBODY_KNOWS");
    assertThatThrownBy(
            () ->
                functions.put(
                    function(
                        """
                        {"name": "bad_i", "topic": "changes_i", "type": "java",
                         "class": "com.example.Missing", "emit-to": "x_i"}
                        """)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("com.example.Missing");
    assertThat(functions.get("bad_i")).isEmpty();
    assertThat(streams.get("x_i")).isEmpty();
  }

  @Test
  void requestsToThePlatformsOwnListenersAreRefusedWhenSent() {
    // localhost is listed without a port: allowed at PUT, but each request is checked after
    // resolving the host, and the Kafka listener of this platform is refused
    topic("changes_k", null);
    functions.put(
        function(
            """
            {"name": "enrich_k", "topic": "changes_k", "type": "http-enrich",
             "url": "http://localhost:%d/{id}", "keep": ["title"], "emit-to": "shows_k"}
            """
                .formatted(kafkaPort())));
    publish("changes_k", "{\"id\": \"k1\"}\n");
    awaitProcessed("enrich_k", 1);
    List<JsonNode> letters = json(readCommitted("enrich_k_dlq"));
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).path("error_code").asText()).isEqualTo("egress_denied");
    assertThat(letters.get(0).path("error").asText())
        .contains("http://localhost:" + kafkaPort() + "/k1")
        .contains("egress_platform_listener");
    assertThat(letters.get(0).path("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void functionsAimedPastTheEgressPolicyAreRefusedAtPut() {
    topic("changes_j", null);
    for (String[] refused :
        new String[][] {
          {"http://example.com/{id}", "egress_not_allowed"},
          {"http://127.0.0.1:" + kafkaPort() + "/{id}", "egress_not_allowed"},
          {"http://{host}/x", "egress_host_placeholder"},
          {"http://user@127.0.0.1:1/x", "egress_user_info"},
        }) {
      assertThatThrownBy(
              () ->
                  functions.put(
                      function(
                          """
                          {"name": "bad_j", "topic": "changes_j", "type": "http-enrich",
                           "url": "%s", "emit-to": "x_j"}
                          """
                              .formatted(refused[0]))))
          .as(refused[0])
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(refused[1])
          .hasMessageContaining("URL ");
    }
    // a secret goes only where its definition allows
    assertThatThrownBy(
            () ->
                functions.put(
                    function(
                        """
                        {"name": "bad_j", "topic": "changes_j", "type": "http-enrich",
                         "url": "http://127.0.0.1:1/{id}", "emit-to": "x_j",
                         "headers": {"Authorization": "Bearer ${secret:catalog_token}"}}
                        """)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("secret_host_not_allowed")
        .hasMessageContaining("catalog_token");
    assertThatThrownBy(
            () ->
                functions.put(
                    function(
                        """
                        {"name": "bad_j", "topic": "changes_j", "type": "http-enrich",
                         "url": "%s/{id}", "emit-to": "x_j",
                         "headers": {"Authorization": "Bearer ${secret:undeclared}"}}
                        """
                            .formatted(catalog.uri()))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("secret_not_declared");
    assertThat(functions.get("bad_j")).isEmpty();
  }

  // --- helpers

  static int kafkaPort() {
    String bootstrap = log.bootstrapServers();
    return Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
  }

  static void topic(String name, String key) {
    topics.put(
        new TopicSpec(name, 2, key == null ? null : io.tributary.core.config.FieldPath.parse(key)));
  }

  static FunctionSpec function(String json) {
    JsonNode node = json(json);
    return FunctionSpec.fromConfig(null, new ConfigNode(node, "function"));
  }

  static IngestResult publish(String topic, String ndjson) {
    return topics.publish(
        topic,
        "application/x-ndjson",
        new ByteArrayInputStream(ndjson.getBytes(StandardCharsets.UTF_8)),
        -1);
  }

  static void awaitProcessed(String function, long count) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> functions.status(function).map(FunctionStatus::processed).orElse(0L) >= count);
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> json(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> json(new String(r.value(), StandardCharsets.UTF_8))).toList();
  }

  /** Every committed record of the topic up to its end, in partition and offset order. */
  static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
    List<ConsumerRecord<byte[], byte[]>> records =
        new ArrayList<>(KafkaTestSupport.readAll(log, topic));
    records.sort(
        java.util.Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
            .thenComparingLong(ConsumerRecord::offset));
    return records;
  }
}
