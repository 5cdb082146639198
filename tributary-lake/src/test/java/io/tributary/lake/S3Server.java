package io.tributary.lake;

import static org.awaitility.Awaitility.await;

import io.tributary.core.config.LakeStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests: S3Proxy with its filesystem backend, in a child JVM with
 * its own classpath (its bundled Jetty and libraries never meet ours), listening on loopback and
 * checking AWS v2/v4 signatures with {@link #ACCESS_KEY_ID}/{@link #SECRET_ACCESS_KEY}. The jar is
 * copied by the build to {@code tributary-lake/target/s3proxy/s3proxy.jar} (or named by the system
 * property {@code tributary.s3proxy.jar}).
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY_ID = "tributary-test";
  public static final String SECRET_ACCESS_KEY = "tributary-test-secret";

  private final Process process;
  private final int port;

  private S3Server(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts a server storing its buckets under {@code dir}; ready when this returns. */
  public static S3Server start(Path dir) {
    return start(dir, List.of());
  }

  /**
   * Like {@link #start}, but S3Proxy ignores request headers it does not know ({@code
   * s3proxy.ignore-unknown-headers=true}) instead of answering 501 NotImplemented. Trino 476's
   * native S3 file system asks every listing for the objects' restore status ({@code
   * x-amz-optional-object-attributes: RestoreStatus}), which S3Proxy 4.1 refuses otherwise, so
   * Trino could not create a table (it lists the new table's location first).
   */
  public static S3Server startAcceptingUnknownHeaders(Path dir) {
    return start(dir, List.of("s3proxy.ignore-unknown-headers=true"));
  }

  private static S3Server start(Path dir, List<String> extraProperties) {
    try {
      Path data = Files.createDirectories(dir.resolve("s3-data"));
      int port = freePort();
      Path properties = dir.resolve("s3proxy.properties");
      List<String> lines =
          new java.util.ArrayList<>(
              List.of(
                  "s3proxy.endpoint=http://127.0.0.1:" + port,
                  "s3proxy.authorization=aws-v2-or-v4",
                  "s3proxy.identity=" + ACCESS_KEY_ID,
                  "s3proxy.credential=" + SECRET_ACCESS_KEY,
                  "jclouds.provider=filesystem",
                  "jclouds.filesystem.basedir=" + data));
      lines.addAll(extraProperties);
      Files.write(properties, lines);
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process process =
          new ProcessBuilder(
                  java.toString(),
                  "-Xmx256m",
                  "-jar",
                  jar().toString(),
                  "--properties",
                  properties.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("s3proxy.log").toFile())
              .start();
      S3Server server = new S3Server(process, port);
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> !process.isAlive() || accepts(port));
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "S3Proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
        }
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** The lake's settings to reach {@code endpoint} (this server, or a proxy in front of it). */
  public static LakeStorage.S3 settings(URI endpoint) {
    return new LakeStorage.S3(endpoint, "us-east-1", true, ACCESS_KEY_ID, SECRET_ACCESS_KEY);
  }

  /** Creates {@code bucket}. */
  public void createBucket(String bucket) {
    try (S3Client client = S3Clients.open(settings(endpoint()), UnaryOperator.identity())) {
      client.createBucket(b -> b.bucket(bucket));
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static Path jar() {
    String named = System.getProperty("tributary.s3proxy.jar");
    if (named != null) {
      return Path.of(named);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      for (Path candidate :
          List.of(
              dir.resolve("target/s3proxy/s3proxy.jar"),
              dir.resolve("tributary-lake/target/s3proxy/s3proxy.jar"))) {
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException(
        "S3Proxy jar not found: build tributary-lake (it copies it to target/s3proxy)");
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
