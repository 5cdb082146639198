package io.tributary.server;

import io.tributary.access.audit.Caller;
import io.tributary.access.secrets.SecretInfo;
import io.tributary.access.secrets.SecretStore;
import io.tributary.access.secrets.Stage;
import io.tributary.access.secrets.VariableStore;
import io.tributary.stream.function.StoredValues;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code ${secret:name}} and {@code ${var:key}} in function and flow settings resolve to: the
 * secret's current version and the variable's text, looked up at each use. A secret's value is
 * decrypted (and audited as a {@code secret.read} by the platform) once per version: each use looks
 * up which version is current and reuses the value it read for that version, so a rotation reaches
 * the next use without a read and an audit event per call.
 */
final class CurrentValues implements StoredValues {
  private final SecretStore secrets;
  private final VariableStore variables;
  private final Map<String, Read> reads = new ConcurrentHashMap<>();

  private record Read(long version, String value) {}

  CurrentValues(SecretStore secrets, VariableStore variables) {
    this.secrets = Objects.requireNonNull(secrets, "secrets is null");
    this.variables = Objects.requireNonNull(variables, "variables is null");
  }

  @Override
  public Optional<String> secret(String name) {
    Optional<Long> current =
        secrets
            .info(name)
            .flatMap(info -> info.version(Stage.CURRENT))
            .map(SecretInfo.Version::version);
    if (current.isEmpty()) {
      reads.remove(name);
      return Optional.empty();
    }
    Read read = reads.get(name);
    if (read == null || read.version() != current.get()) {
      // a rotation between the two look-ups is caught by the next use: the versions differ
      read = new Read(current.get(), secrets.current(name, Caller.PLATFORM).reveal());
      reads.put(name, read);
    }
    return Optional.of(read.value());
  }

  @Override
  public Optional<String> variable(String key) {
    return variables.get(key).map(value -> value.isTextual() ? value.asText() : value.toString());
  }
}
