package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary ingest STREAM FILE.ndjson}: sends a file of JSON lines to a stream in batches,
 * with a progress bar; retries batches the server refused as overloaded; reports rejected lines.
 */
@Command(name = "ingest", description = "Send an NDJSON file to a stream, with a progress bar.")
final class IngestCommand implements Callable<Integer> {
  private static final int MAX_REPORTED = 20;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "STREAM")
  String stream;

  @Parameters(index = "1", paramLabel = "FILE")
  Path file;

  @Option(names = "--batch-records", defaultValue = "500", description = "Records per request")
  int batchRecords;

  @Option(
      names = "--batch-bytes",
      defaultValue = "4000000",
      description = "Bytes per request (under the server's ingest.max-request-bytes)")
  int batchBytes;

  private long accepted;
  private long failed;
  private final List<String> problems = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    ApiClient api = client.client();
    String path = "/v1/streams/" + URLEncoder.encode(stream, StandardCharsets.UTF_8) + "/records";
    long total = Files.size(file);
    Progress progress = new Progress(total, System.err);
    ByteArrayOutputStream batch = new ByteArrayOutputStream(batchBytes);
    List<Long> lineNumbers = new ArrayList<>();
    long read = 0;
    long lineNumber = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        read += line.getBytes(StandardCharsets.UTF_8).length + 1;
        if (line.isBlank()) {
          continue;
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (!lineNumbers.isEmpty()
            && (lineNumbers.size() >= batchRecords || batch.size() + bytes.length > batchBytes)) {
          send(api, path, batch.toByteArray(), lineNumbers);
          batch.reset();
          lineNumbers.clear();
          progress.update(read, accepted, failed);
        }
        batch.write(bytes);
        lineNumbers.add(lineNumber);
      }
    }
    if (!lineNumbers.isEmpty()) {
      send(api, path, batch.toByteArray(), lineNumbers);
    }
    progress.update(total, accepted, failed);
    progress.finish();
    System.out.printf("%s: %d accepted, %d failed%n", file, accepted, failed);
    problems.forEach(System.out::println);
    if (failed > problems.size()) {
      System.out.println("  ... and " + (failed - problems.size()) + " more");
    }
    return failed == 0 ? 0 : 1;
  }

  private void send(ApiClient api, String path, byte[] body, List<Long> lines) {
    while (true) {
      try {
        JsonNode result =
            api.send(
                HttpRequest.newBuilder(api.server().resolve(path))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        accepted += result.path("accepted").asLong();
        failed += result.path("failed").asLong();
        for (JsonNode error : result.path("errors")) {
          if (problems.size() < MAX_REPORTED) {
            problems.add(
                "  line "
                    + lines.get(error.path("index").asInt())
                    + ": "
                    + error.path("code").asText()
                    + ": "
                    + error.path("message").asText());
          }
        }
        return;
      } catch (ApiClient.ApiException e) {
        if (e.status != 429 && e.status != 503) {
          throw e;
        }
        LockSupport.parkNanos(1_000_000_000L);
      }
    }
  }

  /** A one-line progress bar on stderr. */
  static final class Progress {
    private final long total;
    private final PrintStream out;
    private final long started = System.nanoTime();

    Progress(long total, PrintStream out) {
      this.total = Math.max(1, total);
      this.out = out;
    }

    void update(long done, long accepted, long failed) {
      int width = 30;
      int filled = (int) Math.min(width, done * width / total);
      double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
      out.printf(
          "\r[%s%s] %3d%%  %,d accepted  %,d failed  %,.0f records/s ",
          "#".repeat(filled),
          " ".repeat(width - filled),
          Math.min(100, done * 100 / total),
          accepted,
          failed,
          (accepted + failed) / seconds);
    }

    void finish() {
      out.println();
    }
  }
}
