package io.tributary.server;

import io.tributary.server.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine;

/** One CLI command run in this JVM, as a user types it: its exit code and what it printed. */
record CliRun(int exit, String out, String err) {

  /** Runs one of the platform's commands ({@code ./tributary ARGS}). */
  static CliRun platform(String... args) {
    return of(Main::commandLine, args);
  }

  /**
   * Runs a platform command against the platform whose data dir is {@code dataDir}: a client
   * command (one given {@code --server}) reads the admin's token there, as on the platform's
   * machine.
   */
  static CliRun platform(Path dataDir, String... args) {
    return of(Main::commandLine, withDataDir(dataDir, args));
  }

  /** {@code args}, with {@code --data-dir dataDir} added to a client command's. */
  static String[] withDataDir(Path dataDir, String... args) {
    if (!List.of(args).contains("--server")) {
      return args;
    }
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--data-dir");
    all.add(dataDir.toString());
    return all.toArray(String[]::new);
  }

  /**
   * Runs the command line {@code cli} makes (after standard output and error are captured: commands
   * may keep them) with {@code args}; one run at a time, as the streams are the JVM's.
   */
  static synchronized CliRun of(Supplier<CommandLine> commandLine, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    try (PrintStream capturedOut = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream capturedErr = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
      System.setOut(capturedOut);
      System.setErr(capturedErr);
      CommandLine cli = commandLine.get();
      cli.setOut(new PrintWriter(capturedOut, true));
      cli.setErr(new PrintWriter(capturedErr, true));
      int exit = cli.execute(args);
      return new CliRun(
          exit,
          outBytes.toString(StandardCharsets.UTF_8),
          errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
