package io.tributary.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * The variants of experiments (A/B tests), as functions see them: deterministic and sticky, the
 * same answer the platform's {@code GET /v1/experiments/{name}/assignment} gives, without logging
 * an exposure. A {@link RecordFunction} gets one from {@link RecordFunction.Context#assignments()}.
 *
 * <p>Bucketing: a unit's position under a salt is the first 53 bits of SHA-256 of the UTF-8 bytes
 * of {@code salt + ":" + unit} as a fraction in [0, 1); the variant is the first whose cumulative
 * weight exceeds the position.
 */
public interface Assignments {
  /**
   * The variant {@code unit} is assigned to in {@code experiment}; empty if the experiment is
   * unknown, stopped or not yet started.
   */
  Optional<String> variant(String experiment, String unit);

  /** Assignments of no experiment: every answer is empty. */
  Assignments NONE = (experiment, unit) -> Optional.empty();

  /** The position in [0, 1) of {@code unit} under {@code salt}. */
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

  /**
   * The index of the variant at {@code position} under {@code weights} (cumulative, in order); the
   * last variant takes any rounding remainder.
   */
  static int pick(double position, List<Double> weights) {
    double cumulative = 0;
    for (int i = 0; i < weights.size(); i++) {
      cumulative += weights.get(i);
      if (position < cumulative) {
        return i;
      }
    }
    return weights.size() - 1;
  }
}
