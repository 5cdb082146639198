package io.tributary.amp;

import java.time.Duration;
import java.util.Objects;

/**
 * What a simulator run delivered.
 *
 * @param sent records the server answered for ({@code accepted + failed})
 * @param accepted records the server accepted
 * @param failed records the server rejected one by one (invalid records; never resent)
 * @param retries requests resent after 429, 503 or a refused connection
 * @param elapsed how long the run took by the simulator's clock
 */
public record SimulationResult(
    long sent, long accepted, long failed, long retries, Duration elapsed) {
  /** Validates the counts. */
  public SimulationResult {
    Objects.requireNonNull(elapsed, "elapsed is null");
    if (accepted < 0 || failed < 0 || retries < 0 || sent != accepted + failed) {
      throw new IllegalArgumentException(
          "Invalid simulation counts: sent "
              + sent
              + ", accepted "
              + accepted
              + ", failed "
              + failed
              + ", retries "
              + retries);
    }
  }
}
