package io.tributary.stream.function;

import java.util.Optional;

/**
 * The platform's secret store and config variables as functions see them: looked up each time a
 * setting is used, so a rotated secret or a changed variable reaches the next call. Assembled where
 * the platform is (the stream module knows no access control).
 */
public interface StoredValues {
  /** The current value of secret {@code name}, empty if the store has no such secret. */
  Optional<String> secret(String name);

  /** The text of variable {@code key}, empty if it is not set. */
  Optional<String> variable(String key);

  /** No store: secrets come from the environment and files only, no variable is set. */
  StoredValues NONE =
      new StoredValues() {
        @Override
        public Optional<String> secret(String name) {
          return Optional.empty();
        }

        @Override
        public Optional<String> variable(String key) {
          return Optional.empty();
        }
      };
}
