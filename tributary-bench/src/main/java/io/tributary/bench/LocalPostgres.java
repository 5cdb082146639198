package io.tributary.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster from the Debian binaries ({@code /usr/lib/postgresql/N/bin}):
 * {@code initdb} in the benchmark's scratch directory, {@code pg_ctl start} on a free loopback port
 * with trust authentication, stopped on close. As root it runs as the {@code postgres} user.
 */
final class LocalPostgres implements AutoCloseable {
  static final String USER = "bench";

  private final Path bin;
  private final Path home;
  private final Path data;
  private final int port;
  private final boolean asPostgres;

  private LocalPostgres(Path bin, Path home, int port, boolean asPostgres) {
    this.bin = bin;
    this.home = home;
    this.data = home.resolve("pgdata");
    this.port = port;
    this.asPostgres = asPostgres;
  }

  /** The newest Debian PostgreSQL {@code bin} directory. */
  static Path binaries() throws IOException {
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        return versions
            .map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")))
            .max(Comparator.comparing(Path::toString))
            .orElseThrow(() -> new IOException("No initdb under " + debian));
      }
    }
    throw new IOException(
        "--postgres needs PostgreSQL's server binaries in "
            + debian
            + " (apt-get install postgresql)");
  }

  /** Creates and starts a cluster under {@code parent}, tuned like a small analytics server. */
  static LocalPostgres start(Path parent, int sharedBuffersMib)
      throws IOException, InterruptedException {
    boolean root = "root".equals(System.getProperty("user.name"));
    Path home =
        Files.createDirectory(
            parent.resolve("postgres"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    LocalPostgres server = new LocalPostgres(binaries(), home, port, root);
    try {
      if (root) {
        server.run(List.of("chown", "postgres:postgres", home.toString()), false);
        server.run(List.of("chmod", "o+x", parent.toString()), false);
      }
      server.run(
          List.of(
              server.bin.resolve("initdb").toString(),
              "-D",
              server.data.toString(),
              "-U",
              USER,
              "--auth=trust",
              "-E",
              "UTF8",
              "--no-sync"),
          true);
      server.run(
          List.of(
              server.bin.resolve("pg_ctl").toString(),
              "-D",
              server.data.toString(),
              "-l",
              home.resolve("server.log").toString(),
              "-w",
              "-t",
              "60",
              "-o",
              "-p "
                  + port
                  + " -k "
                  + home
                  + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
                  + " -c shared_buffers="
                  + sharedBuffersMib
                  + "MB -c work_mem=64MB -c max_wal_size=4GB",
              "start"),
          true);
      return server;
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  private void run(List<String> command, boolean asServerUser)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asServerUser && asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Path log = Files.createTempFile("pg-command", ".log");
    try {
      Process process =
          new ProcessBuilder(full)
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IOException("Timed out: " + String.join(" ", full));
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            "Failed ("
                + process.exitValue()
                + "): "
                + String.join(" ", full)
                + "\n"
                + Files.readString(log, StandardCharsets.UTF_8));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (Files.exists(data.resolve("postmaster.pid"))) {
      run(
          List.of(
              bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop"),
          true);
    }
  }
}
