package io.tributary.stream.function;

import java.util.Optional;

/**
 * What a function may do: a function runs with its owner's privileges (the user who saved it, or
 * the admin for functions in the config), checked for each record it emits, so a removed owner or a
 * revoked grant stops the next record (dead-lettered with code {@code forbidden}). Assembled where
 * the platform is, over its access control.
 */
public interface FunctionPrivileges {
  /**
   * Empty if function {@code function} may emit to stream or topic {@code target} now, else why.
   */
  Optional<String> denial(String function, String target);

  /** No access control: every function may emit anywhere. */
  FunctionPrivileges ALL = (function, target) -> Optional.empty();
}
