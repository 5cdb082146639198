package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary land SOURCE FILE...}: uploads files into the landing zone ({@code
 * landing/SOURCE/[PREFIX/]NAME}) with a progress bar; each upload is a landing event.
 */
@Command(
    name = "land",
    description = "Upload files into the landing zone (data/landing/SOURCE/), with a progress bar.")
final class LandCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "The landing source folder")
  String source;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE")
  List<Path> files;

  @Option(
      names = "--prefix",
      description = "Folder under the source to put the files in, e.g. shows or dt=2026-11-26")
  String prefix;

  @Override
  public Integer call() throws IOException {
    ApiClient api = client.client();
    long total = 0;
    for (Path file : files) {
      total += Files.size(file);
    }
    Bar bar = new Bar(total, System.err);
    AtomicLong sent = new AtomicLong();
    for (Path file : files) {
      String name = file.getFileName().toString();
      String path = prefix == null || prefix.isBlank() ? name : strip(prefix) + "/" + name;
      String uri =
          "/v1/landing/"
              + URLEncoder.encode(source, StandardCharsets.UTF_8)
              + "/"
              + encodePath(path);
      long size = Files.size(file);
      JsonNode result =
          api.send(
              HttpRequest.newBuilder(api.server().resolve(uri))
                  .header("Content-Type", "application/octet-stream")
                  .PUT(
                      HttpRequest.BodyPublishers.fromPublisher(
                          HttpRequest.BodyPublishers.ofInputStream(() -> counting(file, sent, bar)),
                          size)));
      bar.update(sent.get());
      bar.finish();
      System.out.printf(
          "landed %s/%s (%,d bytes)%n",
          source, result.path("path").asText(path), result.path("size").asLong(size));
    }
    return 0;
  }

  private static String strip(String prefix) {
    String p = prefix;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static String encodePath(String path) {
    StringBuilder out = new StringBuilder();
    for (String segment : path.split("/")) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }

  private static InputStream counting(Path file, AtomicLong sent, Bar bar) {
    try {
      return new FilterInputStream(Files.newInputStream(file)) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          if (b >= 0) {
            bar.update(sent.incrementAndGet());
          }
          return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          int n = super.read(buffer, offset, length);
          if (n > 0) {
            bar.update(sent.addAndGet(n));
          }
          return n;
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A one-line byte progress bar on stderr, redrawn at most ten times a second. */
  static final class Bar {
    private final long total;
    private final PrintStream out;
    private final long started = System.nanoTime();
    private long drawn;

    Bar(long total, PrintStream out) {
      this.total = Math.max(1, total);
      this.out = out;
    }

    synchronized void update(long done) {
      long now = System.nanoTime();
      if (now - drawn < 100_000_000L && done < total) {
        return;
      }
      drawn = now;
      int width = 30;
      int filled = (int) Math.min(width, done * width / total);
      double seconds = Math.max(1e-3, (now - started) / 1e9);
      out.printf(
          "\r[%s%s] %3d%%  %,.1f MB  %,.1f MB/s ",
          "#".repeat(filled),
          " ".repeat(width - filled),
          Math.min(100, done * 100 / total),
          done / 1e6,
          done / 1e6 / seconds);
    }

    void finish() {
      out.println();
    }
  }
}
