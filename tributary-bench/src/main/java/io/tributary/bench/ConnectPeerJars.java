package io.tributary.bench;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the Kafka Connect peer's classpath lies: the target folder of the {@code
 * tributary-bench-connect} module, whose build copies the worker's and Iceberg's sink's jars to
 * {@code connect-peer/} and builds the shim jar beside it. Nothing is resolved at run time.
 */
record ConnectPeerJars(Path home) {
  static final String MODULE = "tributary-bench-connect";

  ConnectPeerJars {
    if (home == null) {
      throw new IllegalArgumentException("The Kafka Connect peer's folder is null");
    }
  }

  /**
   * The folder given, or else the module's target folder beside the benchmark's own module.
   *
   * @throws IllegalStateException saying how to build the jars, if they are missing
   */
  static ConnectPeerJars locate(Path given) {
    ConnectPeerJars jars = new ConnectPeerJars(given != null ? given : beside());
    if (!Files.isRegularFile(jars.shim()) || !Files.isDirectory(jars.libraries())) {
      throw new IllegalStateException(
          "The Kafka Connect peer's jars are missing in "
              + jars.home()
              + " (no "
              + jars.shim().getFileName()
              + " or connect-peer/): build them in the project's root with `mvn -B -q -DskipTests"
              + " package -pl "
              + MODULE
              + "` (./tributary builds every module when sources change), or pass"
              + " --connect-peer with that module's target folder");
    }
    return jars;
  }

  /** The shim the sink needs on Connect 4; first on the classpath. */
  Path shim() {
    return home.resolve(MODULE + ".jar");
  }

  /** The worker's and the sink's jars. */
  Path libraries() {
    return home.resolve("connect-peer");
  }

  String classpath() {
    return shim() + File.pathSeparator + libraries().resolve("*");
  }

  private static Path beside() {
    Path code;
    try {
      code =
          Path.of(
              ConnectPeerJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot tell where the benchmark's classes are", e);
    }
    for (Path dir = code.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(MODULE))) {
        return dir.resolve(MODULE).resolve("target");
      }
    }
    return Path.of(MODULE, "target").toAbsolutePath();
  }
}
