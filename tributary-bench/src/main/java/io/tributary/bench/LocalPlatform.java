package io.tributary.bench;

import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * The parts of a platform's configuration every benchmark shares: HTTP on a free loopback port, an
 * embedded broker on free ports, and a SQLite catalog with its lake in the benchmark's scratch
 * directory.
 */
final class LocalPlatform {
  private LocalPlatform() {}

  static TributaryConfig.Http http() {
    return new TributaryConfig.Http("127.0.0.1", 0);
  }

  static TributaryConfig.Kafka embeddedKafka() throws IOException {
    return new TributaryConfig.Kafka(
        TributaryConfig.KafkaMode.EMBEDDED, freePort(), freePort(), null);
  }

  static TributaryConfig.Catalog catalog(Path dir) {
    return new TributaryConfig.Catalog(
        "jdbc:sqlite:" + dir.resolve("catalog.db"), null, null, dir.resolve("lake"));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
