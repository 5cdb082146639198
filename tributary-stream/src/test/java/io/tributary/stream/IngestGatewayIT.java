package io.tributary.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.NotFoundException;
import io.tributary.core.OverloadedException;
import io.tributary.core.RetryLaterException;
import io.tributary.core.config.StreamSpec;
import io.tributary.core.config.TributaryConfig;
import io.tributary.stream.IngestResult.RecordError;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestGatewayIT {
  static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  static final TributaryConfig.Ingest LIMITS = new TributaryConfig.Ingest(5, 100, 2048, 1 << 20);

  @TempDir static Path dataDir;
  static StreamLog log;
  static StreamRegistry streams;
  static SimpleMeterRegistry meters = new SimpleMeterRegistry();
  static IngestGateway gateway;

  @BeforeAll
  static void start() {
    log = StreamLog.start(KafkaTestSupport.embedded(), dataDir);
    streams =
        new StreamRegistry(
            KafkaTestSupport.sqlite(dataDir.resolve("catalog.db")), log, LIMITS, Clock.systemUTC());
    gateway = new IngestGateway(streams, log, LIMITS, meters, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterAll
  static void stop() {
    streams.close();
    log.close();
  }

  private static InputStream body(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String stream(String name) {
    streams.put(StreamSpec.withDefaults(name));
    return name;
  }

  @Test
  void answersRetryLaterWhenKafkaCannotTakeWrites() {
    // its topic gone behind the registry's back: Kafka cannot take a record of it
    String name = stream("starved");
    log.deleteTopic(name);
    assertThatThrownBy(
            () -> gateway.ingest(name, "application/x-ndjson", body("{\"a\":1}\n{\"a\":2}")))
        .isInstanceOfSatisfying(
            RetryLaterException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.BROKER_UNAVAILABLE);
              assertThat(e.retryAfter()).isPositive();
            })
        .hasMessageContaining("'starved'")
        .hasMessageContaining("retry");
    assertThat(
            meters
                .counter("tributary.records.failed", "stream", name, "code", "broker_unavailable")
                .count())
        .isEqualTo(2);
  }

  @Test
  void ndjsonRecordsLandInTheTopic() {
    String name = stream("nd");
    IngestResult result =
        gateway.ingest(
            name,
            "application/x-ndjson; charset=utf-8",
            body("{\"a\":1}\r\n\n  {\"a\": [2, {\"b\": null}]}  \n{\"a\":3}"));
    assertThat(result).isEqualTo(new IngestResult(3, 0, java.util.List.of()));
    var records = KafkaTestSupport.readAll(log, name);
    assertThat(KafkaTestSupport.values(records))
        .containsExactlyInAnyOrder("{\"a\":1}", "{\"a\": [2, {\"b\": null}]}", "{\"a\":3}");
    assertThat(records).extracting(ConsumerRecord::timestamp).containsOnly(NOW.toEpochMilli());
    assertThat(records).extracting(ConsumerRecord::key).containsOnlyNulls();
    assertThat(meters.counter("tributary.records.in", "stream", name).count()).isEqualTo(3);
  }

  @Test
  void jsonArrayAndSingleObjectAreAccepted() {
    String name = stream("arr");
    assertThat(gateway.ingest(name, "application/json", body("[{\"x\":1}, {\"x\":\"2\"}]")))
        .isEqualTo(new IngestResult(2, 0, java.util.List.of()));
    assertThat(gateway.ingest(name, "Application/JSON", body(" {\"x\":3} ")).accepted())
        .isEqualTo(1);
    assertThat(KafkaTestSupport.values(KafkaTestSupport.readAll(log, name)))
        .containsExactlyInAnyOrder("{\"x\":1}", "{\"x\":\"2\"}", "{\"x\":3}");
  }

  @Test
  void badRecordsFailAloneAndGoodOnesLandExactlyOnce() {
    String name = stream("mixed");
    String big = "{\"pad\":\"" + "x".repeat(120) + "\"}";
    IngestResult result =
        gateway.ingest(
            name, "application/jsonl", body("{\"ok\":1}\n{oops\n\n[1,2]\n" + big + "\n{\"ok\":2}"));
    assertThat(result.accepted()).isEqualTo(2);
    assertThat(result.errors())
        .extracting(RecordError::index, RecordError::code)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "invalid_json"),
            org.assertj.core.groups.Tuple.tuple(2, "not_an_object"),
            org.assertj.core.groups.Tuple.tuple(3, "record_too_large"));
    assertThat(result.errors().get(0).message()).contains("column");
    assertThat(result.errors().get(2).message()).contains("130").contains("100");
    assertThat(KafkaTestSupport.values(KafkaTestSupport.readAll(log, name)))
        .containsExactlyInAnyOrder("{\"ok\":1}", "{\"ok\":2}");
    assertThat(
            meters
                .counter("tributary.records.failed", "stream", name, "code", "not_an_object")
                .count())
        .isEqualTo(1);

    IngestResult array = gateway.ingest(name, "application/json", body("[{\"ok\":3}, 7, \"s\"]"));
    assertThat(array.accepted()).isEqualTo(1);
    assertThat(array.errors())
        .extracting(RecordError::index, RecordError::code)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "not_an_object"),
            org.assertj.core.groups.Tuple.tuple(2, "not_an_object"));
  }

  @Test
  void requestLevelErrors() {
    String name = stream("errs");
    assertThatThrownBy(() -> gateway.ingest("nope", "application/json", body("{}")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> gateway.ingest(name, "text/csv", body("a,b")))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.code()).isEqualTo("unsupported_media_type"))
        .hasMessageContaining("text/csv")
        .hasMessageContaining("application/x-ndjson");
    assertCode(() -> gateway.ingest(name, "application/x-ndjson", body(" \n\n")), "empty_request");
    assertCode(() -> gateway.ingest(name, "application/json", body("[]")), "empty_request");
    assertCode(() -> gateway.ingest(name, "application/json", body("")), "empty_request");
    assertThatThrownBy(() -> gateway.ingest(name, "application/x-ndjson", body("{}\n".repeat(6))))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("too_many_records"))
        .hasMessageContaining("6 records")
        .hasMessageContaining("limit of 5");
    assertCode(
        () -> gateway.ingest(name, "application/x-ndjson", body("{}" + " ".repeat(2048))),
        "request_too_large");
    assertThatThrownBy(
            () -> gateway.ingest(name, "application/json", body("[{\"a\":1},\n {\"a\" 2}]")))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("invalid_json"))
        .hasMessageContaining("line 2");
    assertCode(() -> gateway.ingest(name, "application/json", body("{} {}")), "invalid_json");
    assertCode(() -> gateway.ingest(name, "application/json", body("[{}")), "invalid_json");
    assertThat(log.endOffsets(name).values()).containsOnly(0L);
  }

  @Test
  void exhaustedBudgetIsOverloadBeforeAnythingIsAccepted() throws Exception {
    String name = stream("busy");
    TributaryConfig.Ingest tiny = new TributaryConfig.Ingest(5, 100, 2048, 2048);
    IngestGateway small =
        new IngestGateway(streams, log, tiny, meters, Clock.fixed(NOW, ZoneOffset.UTC));
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InputStream slow =
        new InputStream() {
          private final InputStream data = body("{\"slow\":1}\n");

          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) throws java.io.IOException {
            reading.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              throw new java.io.InterruptedIOException();
            }
            return data.read(b, off, len);
          }
        };
    CompletableFuture<IngestResult> first =
        CompletableFuture.supplyAsync(() -> small.ingest(name, "application/x-ndjson", slow));
    assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> small.ingest(name, "application/x-ndjson", body("{\"fast\":1}")))
        .isInstanceOfSatisfying(
            OverloadedException.class, e -> assertThat(e.retryAfter()).isPositive())
        .hasMessageContaining("ingest.buffer-memory");
    release.countDown();
    assertThat(first.get(30, TimeUnit.SECONDS).accepted()).isEqualTo(1);
    assertThat(small.ingest(name, "application/x-ndjson", body("{\"fast\":2}")).accepted())
        .isEqualTo(1);
    assertThat(KafkaTestSupport.values(KafkaTestSupport.readAll(log, name)))
        .containsExactlyInAnyOrder("{\"slow\":1}", "{\"fast\":2}");
  }

  @Test
  void knownLengthIsReadExactlyAndCheckedAgainstLimitsFirst() {
    String name = stream("sized");
    byte[] bytes = "{\"n\":1}\n{\"n\":2}\n".getBytes(StandardCharsets.UTF_8);
    assertThat(
            gateway.ingest(
                name, "application/x-ndjson", new ByteArrayInputStream(bytes), bytes.length))
        .isEqualTo(new IngestResult(2, 0, java.util.List.of()));
    assertCode(
        () -> gateway.ingest(name, "application/x-ndjson", body("{}"), 2049), "request_too_large");
    IngestGateway small =
        new IngestGateway(
            streams,
            log,
            new TributaryConfig.Ingest(5, 100, 2048, 2048),
            meters,
            Clock.fixed(NOW, ZoneOffset.UTC));
    InputStream blocked =
        new InputStream() {
          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          private boolean done;

          @Override
          public int read(byte[] b, int off, int len) {
            if (done) {
              return -1;
            }
            done = true;
            assertThatThrownBy(
                    () -> small.ingest(name, "application/x-ndjson", body("{\"x\":1}"), 8))
                .isInstanceOf(OverloadedException.class);
            byte[] data = "{\"big\":1}".getBytes(StandardCharsets.UTF_8);
            System.arraycopy(data, 0, b, off, data.length);
            return data.length;
          }
        };
    assertThat(small.ingest(name, "application/x-ndjson", blocked, 2044).accepted()).isEqualTo(1);
    assertThat(KafkaTestSupport.values(KafkaTestSupport.readAll(log, name)))
        .containsExactlyInAnyOrder("{\"n\":1}", "{\"n\":2}", "{\"big\":1}");
  }

  private static void assertCode(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}
