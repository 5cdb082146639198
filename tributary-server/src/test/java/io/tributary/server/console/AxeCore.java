package io.tributary.server.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** axe-core's script, from its webjar on the test class path (nothing is downloaded). */
final class AxeCore {
  static final String RESOURCE = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";

  private static volatile String source;

  private AxeCore() {}

  /** The script that defines {@code window.axe}. */
  static String source() {
    String script = source;
    if (script == null) {
      try (InputStream in = AxeCore.class.getClassLoader().getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(
              "axe-core is not on the test class path: "
                  + RESOURCE
                  + " (org.webjars.npm:axe-core)");
        }
        script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        source = script;
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + RESOURCE, e);
      }
    }
    return script;
  }
}
