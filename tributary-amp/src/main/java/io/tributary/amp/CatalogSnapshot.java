package io.tributary.amp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.amp.catalog.CatalogQueries;
import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.OutcomeUnknownException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes the daily snapshot of the show catalog for batch analytics: the latest state of every show
 * in {@code raw.show_catalog} ({@link CatalogQueries#LATEST_CATALOG}), read through a running
 * server's query API, stamped with {@code snapshot_date} and {@code snapshot_at}, and appended to
 * {@code transformed.show_catalog_daily} through stream {@value #STREAM} (created if missing, no
 * buffering). Run it once a day, e.g. from cron: each run appends one row per show.
 */
public final class CatalogSnapshot implements AutoCloseable {
  /** The stream the snapshot is delivered through. */
  public static final String STREAM = "show_catalog_daily";

  /** The table the snapshot lands in. */
  public static final String TABLE = "transformed.show_catalog_daily";

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final URI server;
  private final Clock clock;
  private final ObjectMapper mapper = new ObjectMapper();
  private final ExecutorService httpThreads;
  private final HttpClient http;
  private final RecordsClient records;
  private final Optional<String> token;

  /** A snapshot writer for the Tributary server at {@code server}. */
  public CatalogSnapshot(URI server, Clock clock) {
    this(server, clock, Optional.empty());
  }

  /** A snapshot writer for the Tributary server at {@code server}, sending {@code token}. */
  public CatalogSnapshot(URI server, Clock clock, Optional<String> token) {
    Objects.requireNonNull(server, "server is null");
    this.token = Objects.requireNonNull(token, "token is null");
    this.clock = Objects.requireNonNull(clock, "clock is null");
    this.server = URI.create(server.toString().replaceAll("/+$", "") + "/");
    this.httpThreads =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "amp-catalog-snapshot-http");
              thread.setDaemon(true);
              return thread;
            });
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(httpThreads)
            .build();
    this.records =
        new RecordsClient(
            this.server.resolve("v1/streams/" + STREAM + "/records"), httpThreads, mapper, token);
  }

  /**
   * Appends the latest catalog as the snapshot of {@code date} and returns the number of shows
   * written.
   *
   * @throws InvalidInputException if the server rejects a request (e.g. no {@code raw.show_catalog}
   *     yet)
   * @throws OutcomeUnknownException if the server fails in a way that leaves the outcome unknown
   */
  public long write(LocalDate date) throws InterruptedException {
    Objects.requireNonNull(date, "date is null");
    ObjectNode sql = mapper.createObjectNode().put("sql", CatalogQueries.LATEST_CATALOG);
    JsonNode result = send("POST", "v1/query", sql);
    ObjectNode stream = mapper.createObjectNode().put("table", TABLE);
    stream.putObject("buffer").put("interval", "0s");
    stream.put("partitions", 1);
    send("PUT", "v1/streams/" + STREAM, stream);

    ArrayNode columns = (ArrayNode) result.path("columns");
    String snapshotAt = TS.format(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    int inBatch = 0;
    long written = 0;
    for (JsonNode row : result.path("rows")) {
      ObjectNode record = mapper.createObjectNode();
      record.put("snapshot_date", date.toString());
      record.put("snapshot_at", snapshotAt);
      for (int i = 0; i < columns.size(); i++) {
        String name = columns.get(i).path("name").asText();
        if (!name.startsWith("_")) {
          record.set(name, row.get(i));
        }
      }
      try {
        mapper.writeValue(batch, record);
      } catch (IOException e) {
        throw new IllegalStateException("Cannot serialize a catalog row", e);
      }
      batch.write('\n');
      if (++inBatch == 500) {
        written += post(batch.toByteArray(), inBatch);
        batch.reset();
        inBatch = 0;
      }
    }
    if (inBatch > 0) {
      written += post(batch.toByteArray(), inBatch);
    }
    return written;
  }

  private long post(byte[] ndjson, int count) throws InterruptedException {
    while (true) {
      RecordsClient.Reply reply = records.post(ndjson, count);
      if (reply instanceof RecordsClient.Answered answered) {
        if (answered.failed() > 0) {
          throw new InvalidInputException(
              ErrorCode.SNAPSHOT_REJECTED,
              answered.failed()
                  + " catalog rows were rejected by stream "
                  + STREAM
                  + "; first: "
                  + answered.firstError());
        }
        return answered.accepted();
      }
      LockSupport.parkNanos(((RecordsClient.Refused) reply).retryAfter().toNanos());
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  private JsonNode send(String method, String path, JsonNode body) throws InterruptedException {
    URI uri = server.resolve(path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .method(
                method,
                HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    token.ifPresent(secret -> request.header("Authorization", "Bearer " + secret));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new OutcomeUnknownException(method + " " + uri + " failed: " + e, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new InvalidInputException(
          ErrorCode.REQUEST_REFUSED,
          method + " " + uri + " answered HTTP " + response.statusCode() + ": " + response.body());
    }
    try {
      return mapper.readTree(response.body());
    } catch (IOException e) {
      throw new OutcomeUnknownException(method + " " + uri + " answered unreadable JSON", e);
    }
  }

  @Override
  public void close() {
    httpThreads.shutdownNow();
  }
}
