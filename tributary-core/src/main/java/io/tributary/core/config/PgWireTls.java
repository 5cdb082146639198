package io.tributary.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * TLS of the PostgreSQL endpoint ({@code pgwire.tls}): off, a certificate generated into the data
 * directory ({@code auto}), or a PEM certificate and key; whether plaintext clients are refused;
 * whether clients may send their password in clear (only ever inside TLS).
 *
 * @param mode off, auto or files
 * @param cert the PEM certificate chain, for {@link Mode#FILES} only
 * @param key the PEM private key (PKCS#8 or PKCS#1), for {@link Mode#FILES} only
 * @param required whether a client that does not ask for TLS is refused
 * @param cleartextPasswords whether TLS clients authenticate by cleartext password instead of
 *     SCRAM-SHA-256 (for clients without SCRAM); plaintext connections always use SCRAM
 */
public record PgWireTls(
    Mode mode, Path cert, Path key, boolean required, boolean cleartextPasswords) {
  /** Where the endpoint's certificate comes from. */
  public enum Mode {
    OFF,
    AUTO,
    FILES
  }

  public static final PgWireTls OFF = new PgWireTls(Mode.OFF, null, null, false, false);
  public static final PgWireTls AUTO = new PgWireTls(Mode.AUTO, null, null, false, false);

  public PgWireTls {
    if (mode == null) {
      throw new IllegalArgumentException("pgwire.tls mode is null");
    }
    if ((mode == Mode.FILES) != (cert != null && key != null)) {
      throw ConfigException.invalid(
          "pgwire.tls", mode, "cert and key are given together, and only for certificate files");
    }
    if (mode == Mode.OFF && (required || cleartextPasswords)) {
      throw ConfigException.invalid(
          "pgwire.tls", "off", "required and cleartext-passwords need a certificate");
    }
  }

  /** Whether the endpoint accepts TLS. */
  public boolean enabled() {
    return mode != Mode.OFF;
  }

  /**
   * Reads {@code pgwire.tls}: absent, {@code off} or {@code false} (no TLS), {@code auto}, or a
   * mapping {@code {cert, key, required, cleartext-passwords}} (without cert and key: auto). The
   * certificate and key files must be readable.
   */
  static PgWireTls parse(ConfigNode pgwire) {
    if (!pgwire.has("tls")) {
      return OFF;
    }
    if (!pgwire.isMapping("tls")) {
      String value = pgwire.string("tls", "off").strip().toLowerCase(Locale.ROOT);
      return switch (value) {
        case "off", "false", "disabled" -> OFF;
        case "auto" -> AUTO;
        default ->
            throw ConfigException.invalid(
                "pgwire.tls", value, "must be off, auto or a mapping {cert, key, required}");
      };
    }
    ConfigNode tls =
        pgwire.child("tls").allowOnly("cert", "key", "required", "cleartext-passwords");
    String cert = tls.string("cert", null);
    String key = tls.string("key", null);
    boolean required = tls.bool("required", false);
    boolean cleartext = tls.bool("cleartext-passwords", false);
    if (cert == null && key == null) {
      return new PgWireTls(Mode.AUTO, null, null, required, cleartext);
    }
    if (cert == null || key == null) {
      String missing = cert == null ? "pgwire.tls.cert" : "pgwire.tls.key";
      throw ConfigException.invalid(
          missing, "", "give both cert and key, or neither for a generated certificate");
    }
    return new PgWireTls(
        Mode.FILES,
        readable("pgwire.tls.cert", cert),
        readable("pgwire.tls.key", key),
        required,
        cleartext);
  }

  private static Path readable(String name, String value) {
    Path path = Path.of(value).toAbsolutePath().normalize();
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw ConfigException.invalid(name, value, "must be a readable PEM file");
    }
    return path;
  }
}
