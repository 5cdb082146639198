package io.tributary.server.cli;

import io.tributary.access.AdminCredentials;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options of commands that talk to a running server: where it is, and the token to send (given,
 * or the admin's from {@code <data-dir>/admin-credentials.json} when this user can read it, so a
 * local platform needs no set-up).
 */
public final class ClientOptions {
  @Option(
      names = "--server",
      description = "Server URL (default: $TRIBUTARY_SERVER or http://127.0.0.1:7070)",
      defaultValue = "${env:TRIBUTARY_SERVER:-http://127.0.0.1:7070}")
  public URI server;

  @Option(
      names = "--token",
      description = "API token (default: $TRIBUTARY_TOKEN, else the admin's from --data-dir)",
      defaultValue = "${env:TRIBUTARY_TOKEN}")
  public String token;

  @Option(
      names = "--data-dir",
      description =
          "The local platform's data dir, read for admin-credentials.json (default:"
              + " $TRIBUTARY_DATA_DIR or ./data)",
      defaultValue = "${env:TRIBUTARY_DATA_DIR:-./data}")
  public Path dataDir;

  ApiClient client() {
    return new ApiClient(server, token());
  }

  /** The token to send: the one given, else the admin's when readable. */
  public Optional<String> token() {
    if (token != null && !token.isBlank()) {
      return Optional.of(token);
    }
    return AdminCredentials.readIfPresent(dataDir)
        .map(AdminCredentials::token)
        .filter(secret -> !secret.isBlank());
  }
}
