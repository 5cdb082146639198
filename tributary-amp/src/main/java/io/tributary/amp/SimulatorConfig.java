package io.tributary.amp;

/**
 * What the event simulator simulates: a seed, and the sizes of the show catalog, the creator roster
 * and the user population. Creators are users too: {@code creator_007} broadcasts as user {@code
 * u_000007}, so there are at least as many users as creators.
 *
 * @param seed the seed of every random choice; the same seed gives the same catalog and events
 * @param shows the number of shows, {@code show_0001}..; 1 to 9999
 * @param creators the number of creators, {@code creator_001}..; 1 to 999, at most {@code shows}
 * @param users the number of users, {@code u_000001}..; {@code creators} to 999999
 */
public record SimulatorConfig(long seed, int shows, int creators, int users) {
  /** The default seed. */
  public static final long DEFAULT_SEED = 42L;

  /** The default number of shows. */
  public static final int DEFAULT_SHOWS = 200;

  /** The default number of creators. */
  public static final int DEFAULT_CREATORS = 60;

  /** The default number of users. */
  public static final int DEFAULT_USERS = 10_000;

  /** Validates the sizes. */
  public SimulatorConfig {
    requireRange("shows", shows, 1, 9999);
    requireRange("creators", creators, 1, Math.min(999, shows));
    requireRange("users", users, creators, 999_999);
  }

  /** The default sizes with the default seed. */
  public static SimulatorConfig defaults() {
    return withSeed(DEFAULT_SEED);
  }

  /** The default sizes with the given seed. */
  public static SimulatorConfig withSeed(long seed) {
    return new SimulatorConfig(seed, DEFAULT_SHOWS, DEFAULT_CREATORS, DEFAULT_USERS);
  }

  private static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "Invalid simulator " + name + ": " + value + " (must be " + min + "–" + max + ")");
    }
  }
}
