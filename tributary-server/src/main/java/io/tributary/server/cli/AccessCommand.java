package io.tributary.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ./tributary access plan|apply FILE}: access as code against a running server. */
@Command(
    name = "access",
    description = "Users, groups, roles and grants as code (access.yaml).",
    subcommands = {AccessCommand.Plan.class, AccessCommand.Apply.class})
final class AccessCommand {
  /** Prints what applying the file would change; nothing is applied. */
  @Command(name = "plan", description = "Show what applying FILE would change (nothing applied).")
  static final class Plan implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "FILE", description = "access.yaml")
    Path file;

    @Override
    public Integer call() {
      return run(client, file, "/v1/access/plan");
    }
  }

  /** Makes the platform match the file. */
  @Command(name = "apply", description = "Make the platform's access match FILE.")
  static final class Apply implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "FILE", description = "access.yaml")
    Path file;

    @Override
    public Integer call() {
      return run(client, file, "/v1/access/apply");
    }
  }

  private static int run(ClientOptions client, Path file, String path) {
    String spec;
    try {
      spec = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    JsonNode answer = client.client().post(path, Map.of("spec", spec));
    System.out.print(answer.path("summary").asText());
    if (answer.path("applied").asBoolean() && answer.path("changes").size() > 0) {
      System.out.println("Applied " + answer.path("changes").size() + " change(s).");
    }
    return 0;
  }
}
