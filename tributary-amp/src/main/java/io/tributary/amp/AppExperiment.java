package io.tributary.amp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The live-audio app's A/B experiment: the home screen's "recommended shows" list. Users are split
 * 50/50 by the platform's sticky bucketing (the same hash as {@code io.tributary.spi.Assignments},
 * copied here because the app knows only core); a user is exposed when they first open a show, and
 * the app then emits an {@code experiment_exposure} event. Exposed users of the treatment follow
 * creators and like shows {@code lift} more often (relative: 0.03 = +3%), so the analysis has a
 * known truth.
 *
 * @param name the experiment's name, also its salt
 * @param lift the relative lift of follows and likes for exposed treatment users
 */
public record AppExperiment(String name, double lift) {
  /** The demo's experiment, as shipped in the demo's {@code experiments/} resources. */
  public static final String NAME = "recommended_shows";

  public static final String CONTROL = "control";
  public static final String TREATMENT = "recommended";

  /** The default lift: +3%. */
  public static final double DEFAULT_LIFT = 0.03;

  /** No experiment: no exposures, no lift. */
  public static final AppExperiment NONE = new AppExperiment("none", 0);

  public AppExperiment {
    Objects.requireNonNull(name, "name is null");
    if (!(lift >= 0 && lift <= 1)) {
      throw new IllegalArgumentException(
          "Invalid experiment lift: " + lift + " (a relative change, 0..1)");
    }
  }

  /** The demo's experiment with the default lift. */
  public static AppExperiment recommendedShows() {
    return new AppExperiment(NAME, DEFAULT_LIFT);
  }

  /** Whether this is a real experiment (not {@link #NONE}). */
  public boolean enabled() {
    return this != NONE && !name.equals(NONE.name);
  }

  /** The variant of {@code userId}: the first half of the bucket range is the control. */
  public String variant(String userId) {
    return bucket(name, userId) < 0.5 ? CONTROL : TREATMENT;
  }

  /**
   * The platform's bucketing: the first 53 bits of SHA-256 of {@code salt + ":" + unit} as a
   * fraction in [0, 1).
   */
  static double bucket(String salt, String unit) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK has no SHA-256", e);
    }
    byte[] digest = sha256.digest((salt + ":" + unit).getBytes(StandardCharsets.UTF_8));
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (digest[i] & 0xFF);
    }
    return (bits >>> 11) * 0x1.0p-53;
  }
}
