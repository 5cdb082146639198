package io.tributary.amp;

/**
 * What the event simulator simulates: seeds, and the sizes of the show catalog, the creator roster
 * and the user population. Creators are users too: {@code creator_007} broadcasts as user {@code
 * u_000007}, so there are at least as many users as creators.
 *
 * <p>The catalog has a seed of its own, fixed by default, so a simulator with a new event seed and
 * the show-catalog service ({@code io.tributary.amp.catalog.CatalogService}) started independently
 * agree on the shows and creators.
 *
 * @param seed the seed of the users and events; the same seed gives the same events
 * @param shows the number of shows, {@code show_0001}..; 1 to 9999
 * @param creators the number of creators, {@code creator_001}..; 1 to 999, at most {@code shows}
 * @param users the number of users, {@code u_000001}..; {@code creators} to 999999
 * @param catalogSeed the seed of the show catalog: titles, categories, hosts and popularity
 */
public record SimulatorConfig(long seed, int shows, int creators, int users, long catalogSeed) {
  /** The default seed. */
  public static final long DEFAULT_SEED = 42L;

  /** The default catalog seed, shared with the show-catalog service. */
  public static final long DEFAULT_CATALOG_SEED = 42L;

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

  /** The given seed and sizes, with the default catalog seed. */
  public SimulatorConfig(long seed, int shows, int creators, int users) {
    this(seed, shows, creators, users, DEFAULT_CATALOG_SEED);
  }

  /** The default sizes with the default seed. */
  public static SimulatorConfig defaults() {
    return withSeed(DEFAULT_SEED);
  }

  /** The default sizes and catalog with the given (event) seed. */
  public static SimulatorConfig withSeed(long seed) {
    return new SimulatorConfig(seed, DEFAULT_SHOWS, DEFAULT_CREATORS, DEFAULT_USERS);
  }

  /** This config with the catalog seed {@code catalogSeed}. */
  public SimulatorConfig withCatalogSeed(long catalogSeed) {
    return new SimulatorConfig(seed, shows, creators, users, catalogSeed);
  }

  private static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "Invalid simulator " + name + ": " + value + " (must be " + min + "–" + max + ")");
    }
  }
}
