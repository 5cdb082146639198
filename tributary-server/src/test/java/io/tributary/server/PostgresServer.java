package io.tributary.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster for a test: {@code initdb} in a fresh directory, {@code pg_ctl}
 * start on a free loopback port with trust authentication, stop and delete on close. PostgreSQL
 * refuses to run as root, so as root the cluster runs as the {@code postgres} user ({@code
 * runuser}).
 */
final class PostgresServer implements AutoCloseable {
  static final String USER = "tributary";

  private final Path bin;
  private final Path home;
  private final Path data;
  private final int port;
  private final boolean asPostgres;

  private PostgresServer(Path bin, Path home, int port, boolean asPostgres) {
    this.bin = bin;
    this.home = home;
    this.data = home.resolve("pgdata");
    this.port = port;
    this.asPostgres = asPostgres;
  }

  /** The server's {@code bin} directory (Debian's {@code /usr/lib/postgresql/N/bin}), if any. */
  static Optional<Path> binaries() {
    Path debian = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(debian)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(debian)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(Path::toString));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates and starts a cluster with the binaries in {@code bin}. */
  static PostgresServer start(Path bin) throws IOException, InterruptedException {
    return start(bin, Optional.empty());
  }

  /**
   * Creates and starts a cluster whose user {@link #USER} logs in with {@code password}
   * (SCRAM-SHA-256 authentication), or with none (trust) when empty.
   */
  static PostgresServer start(Path bin, Optional<String> password)
      throws IOException, InterruptedException {
    boolean root = "root".equals(System.getProperty("user.name"));
    Path home =
        Files.createTempDirectory(
            "tributary-pg",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    PostgresServer server = new PostgresServer(bin, home, TestConfigs.freePort(), root);
    try {
      if (root) {
        server.run(List.of("chown", "postgres:postgres", home.toString()), false);
      }
      List<String> initdb =
          new ArrayList<>(
              List.of(
                  bin.resolve("initdb").toString(),
                  "-D",
                  server.data.toString(),
                  "-U",
                  USER,
                  "-E",
                  "UTF8",
                  "--no-sync"));
      if (password.isPresent()) {
        Path file = home.resolve("pwfile");
        Files.writeString(file, password.get() + "\n");
        if (root) {
          server.run(List.of("chown", "postgres:postgres", file.toString()), false);
        }
        initdb.addAll(List.of("--auth=scram-sha-256", "--pwfile=" + file));
      } else {
        initdb.add("--auth=trust");
      }
      server.run(initdb, true);
      server.run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              server.data.toString(),
              "-l",
              home.resolve("server.log").toString(),
              "-w",
              "-t",
              "60",
              "-o",
              "-p " + server.port + " -k " + home + " -c listen_addresses=127.0.0.1 -c fsync=off",
              "start"),
          true);
      return server;
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** The JDBC URI of the cluster's {@code postgres} database. */
  String jdbcUri() {
    return jdbcUri("postgres");
  }

  /** The JDBC URI of the cluster's database {@code database}. */
  String jdbcUri(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
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
        throw new IllegalStateException("Timed out: " + String.join(" ", full));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
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
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        run(
            List.of(
                bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop"),
            true);
      }
    } finally {
      try (Stream<Path> all = Files.walk(home)) {
        for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }
}
