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

/**
 * What the platform checks before it starts anything, so a wrong setting fails at once and names
 * its key: the data directory must be writable ({@code data-dir}), the ports free ({@code
 * http.port}, {@code kafka.port}, {@code kafka.controller-port}); and access control may be off
 * only while every listener binds to loopback.
 */
final class StartChecks {
  private StartChecks() {}

  static void check(TributaryConfig config) {
    writable("data-dir", config.dataDir());
    free("http.port", config.http().host(), config.http().port());
    if (config.kafka().mode() == TributaryConfig.KafkaMode.EMBEDDED) {
      free("kafka.port", "127.0.0.1", config.kafka().port());
      free("kafka.controller-port", "127.0.0.1", config.kafka().controllerPort());
    }
    accessOffOnLoopbackOnly(config);
  }

  /**
   * {@code access.enabled: false} is allowed only while every listener binds to loopback: anyone
   * who can connect could otherwise read, write and delete every table.
   */
  static void accessOffOnLoopbackOnly(TributaryConfig config) {
    if (config.access().enabled()) {
      return;
    }
    check("http.host", config.http().host());
    if (config.pgwire().enabled()) {
      check("pgwire.host", config.pgwire().host());
    }
  }

  private static void check(String key, String host) {
    if (!isLoopback(key, host)) {
      throw new InvalidInputException(
          ErrorCode.INVALID_CONFIG,
          "Cannot start with access.enabled: false while "
              + key
              + " is "
              + host
              + ": the platform would be open to other machines with no access control; bind "
              + key
              + " to 127.0.0.1 or turn access control on");
    }
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

  private static boolean isLoopback(String key, String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new InvalidInputException(
          ErrorCode.INVALID_CONFIG, "Invalid " + key + ": '" + host + "' (unknown host)", e);
    }
  }
}
