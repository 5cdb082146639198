package io.tributary.server;

import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/** Configs for tests: a private data dir and free loopback ports. */
final class TestConfigs {
  private TestConfigs() {}

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** YAML for a platform in {@code dir} with the given streams section (YAML list items). */
  static String yaml(Path dir, int httpPort, String streams) {
    int kafka = freePort();
    return "data-dir: "
        + dir
        + "\nhttp: { port: "
        + httpPort
        + " }\nkafka: { port: "
        + kafka
        + ", controller-port: "
        + freePort()
        + " }\nstreams:\n"
        + streams;
  }

  static TributaryConfig config(Path dir, String streams) {
    return TributaryConfig.fromYaml(yaml(dir, 0, streams), "test");
  }
}
