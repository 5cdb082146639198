package io.tributary.server;

import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Configs for tests: a private data dir and free loopback ports. */
final class TestConfigs {
  private TestConfigs() {}

  /** Ports handed out in this JVM: a port just closed may be offered again, never twice here. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /** A loopback port free now and not handed out before in this JVM. */
  static int freePort() {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0)) {
        if (HANDED_OUT.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * YAML for a platform in {@code dir} with the given streams section (YAML list items), on the
   * metadata database {@link TestCatalog} chooses.
   */
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
        + " }\npgwire: { port: 0 }\n"
        + TestCatalog.yaml(dir)
        + "streams:\n"
        + streams;
  }

  static TributaryConfig config(Path dir, String streams) {
    return TributaryConfig.fromYaml(yaml(dir, 0, streams), "test");
  }
}
