package io.tributary.server;

import io.tributary.core.ErrorCode;
import io.tributary.core.InvalidInputException;
import io.tributary.core.PlatformException;
import io.tributary.core.config.TributaryConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the platform checks before it starts anything, so a wrong setting fails at once and names
 * its key: the data directory must be writable ({@code data-dir}), the ports free ({@code
 * http.port}, {@code kafka.port}, {@code kafka.controller-port}); and a listener on every address
 * is warned about while the API has no access control.
 */
final class StartChecks {
  private static final Logger LOG = LoggerFactory.getLogger(StartChecks.class);

  private StartChecks() {}

  static void check(TributaryConfig config) {
    writable("data-dir", config.dataDir());
    free("http.port", config.http().host(), config.http().port());
    if (config.kafka().mode() == TributaryConfig.KafkaMode.EMBEDDED) {
      free("kafka.port", "127.0.0.1", config.kafka().port());
      free("kafka.controller-port", "127.0.0.1", config.kafka().controllerPort());
    }
    warnIfOpen(config.http().host());
  }

  private static void writable(String key, Path dir) {
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(Files.createTempFile(dir, ".write-check", ".tmp"));
    } catch (IOException | SecurityException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_CONFIG,
          "Cannot write the data directory "
              + dir.toAbsolutePath()
              + " ("
              + key
              + "): "
              + e
              + "; choose a directory this user can write");
    }
  }

  private static void free(String key, String host, int port) {
    if (port == 0) {
      return; // any free port
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      throw new PlatformException(
          ErrorCode.PORT_UNAVAILABLE,
          "Cannot listen on "
              + host
              + ":"
              + port
              + " ("
              + key
              + "): "
              + e.getMessage()
              + "; stop what uses the port or set "
              + key
              + " to a free one",
          e);
    }
  }

  private static void warnIfOpen(String host) {
    openListenerWarning(host).ifPresent(LOG::warn);
  }

  /** The warning for an API bound beyond loopback, while it has no access control. */
  static Optional<String> openListenerWarning(String host) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_CONFIG, "Invalid http.host: '" + host + "' (unknown host)", e);
    }
    if (address.isLoopbackAddress()) {
      return Optional.empty();
    }
    return Optional.of(
        "*** http.host is "
            + host
            + ": the API is reachable from other machines and has NO access control: anyone"
            + " who can connect can read, write and delete every table. Bind to 127.0.0.1"
            + " unless the network is trusted. ***");
  }
}
