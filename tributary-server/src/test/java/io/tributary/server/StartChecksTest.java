package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidInputException;
import io.tributary.core.PlatformException;
import io.tributary.core.config.TributaryConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A platform that cannot start says why at once, naming the key to change. */
class StartChecksTest {
  @TempDir Path dir;

  @Test
  void aPortInUseFailsAtOnceNamingItsKey() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      for (String key : new String[] {"http.port", "kafka.port"}) {
        String yaml =
            "data-dir: "
                + dir
                + "\nhttp: { port: "
                + (key.equals("http.port") ? port : TestConfigs.freePort())
                + " }\nkafka: { port: "
                + (key.equals("kafka.port") ? port : TestConfigs.freePort())
                + ", controller-port: "
                + TestConfigs.freePort()
                + " }\n";
        TributaryConfig config = TributaryConfig.fromYaml(yaml, "test");
        long start = System.nanoTime();
        assertThatThrownBy(() -> Platform.start(config, Clock.systemUTC()).close())
            .isInstanceOf(PlatformException.class)
            .hasMessageContaining("(" + key + ")")
            .hasMessageContaining(Integer.toString(port));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      }
    }
  }

  @Test
  void aDataDirThatCannotBeWrittenNamesTheKey() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Path underAFile = file.resolve("data");
    TributaryConfig config =
        TributaryConfig.fromYaml(TestConfigs.yaml(underAFile, 0, "  []"), "test");
    assertThatThrownBy(() -> Platform.start(config, Clock.systemUTC()).close())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("(data-dir)");

    Path readOnly =
        Files.createDirectory(
            dir.resolve("read-only"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-xr-xr-x")));
    if (!Files.isWritable(readOnly)) { // root writes anywhere: the file case above covers it
      TributaryConfig locked =
          TributaryConfig.fromYaml(TestConfigs.yaml(readOnly, 0, "  []"), "test");
      assertThatThrownBy(() -> Platform.start(locked, Clock.systemUTC()).close())
          .hasMessageContaining("(data-dir)");
    }
  }

  @Test
  void accessMayBeOffOnlyWhileEveryListenerIsOnLoopback() {
    Path dir = Path.of("/tmp/unused");
    TributaryConfig open =
        TributaryConfig.fromYaml(
            "data-dir: " + dir + "\nhttp: { host: 0.0.0.0 }\naccess: { enabled: false }", "t");
    assertThatThrownBy(() -> StartChecks.accessOffOnLoopbackOnly(open))
        .hasMessageContaining("access.enabled: false")
        .hasMessageContaining("http.host is 0.0.0.0");
    TributaryConfig pgwireOpen =
        TributaryConfig.fromYaml(
            "data-dir: " + dir + "\npgwire: { host: 0.0.0.0 }\naccess: { enabled: false }", "t");
    assertThatThrownBy(() -> StartChecks.accessOffOnLoopbackOnly(pgwireOpen))
        .hasMessageContaining("pgwire.host is 0.0.0.0");
    StartChecks.accessOffOnLoopbackOnly(
        TributaryConfig.fromYaml("data-dir: " + dir + "\naccess: { enabled: false }", "t"));
    StartChecks.accessOffOnLoopbackOnly(
        TributaryConfig.fromYaml("data-dir: " + dir + "\nhttp: { host: 0.0.0.0 }", "t"));
  }
}
