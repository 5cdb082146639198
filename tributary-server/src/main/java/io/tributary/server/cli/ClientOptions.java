package io.tributary.server.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** The {@code --server} option of commands that talk to a running server. */
public final class ClientOptions {
  @Option(
      names = "--server",
      description = "Server URL (default: $TRIBUTARY_SERVER or http://127.0.0.1:7070)",
      defaultValue = "${env:TRIBUTARY_SERVER:-http://127.0.0.1:7070}")
  public URI server;

  ApiClient client() {
    return new ApiClient(server);
  }
}
