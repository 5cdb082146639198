package io.tributary.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tributary.spi.Assignments;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class AssignmentsPropertyTest {
  @Property(tries = 200, seed = "20261205")
  void bucketingIsStickyAndInTheUnitInterval(
      @ForAll @StringLength(max = 40) String salt, @ForAll @StringLength(max = 40) String unit) {
    double position = Assignments.bucket(salt, unit);
    assertThat(position).isGreaterThanOrEqualTo(0).isLessThan(1);
    assertThat(Assignments.bucket(salt, unit)).isEqualTo(position);
  }

  @Property(tries = 15, seed = "20261205")
  void theSplitMatchesTheWeights(
      @ForAll @DoubleRange(min = 0.05, max = 0.95) double first,
      @ForAll @IntRange(min = 2, max = 4) int variants,
      @ForAll @StringLength(min = 1, max = 10) String salt) {
    List<Double> weights = new ArrayList<>();
    weights.add(first);
    for (int i = 1; i < variants; i++) {
      weights.add((1 - first) / (variants - 1));
    }
    int units = 40_000;
    int[] counts = new int[variants];
    for (int u = 0; u < units; u++) {
      counts[Assignments.pick(Assignments.bucket(salt, "u" + u), weights)]++;
    }
    for (int i = 0; i < variants; i++) {
      // 5 standard deviations of a share out of 40,000 is at most 0.0125
      assertThat(counts[i] / (double) units).isCloseTo(weights.get(i), within(0.0125));
    }
  }

  @Property(tries = 100, seed = "20261205")
  void aSpecAssignsEachUnitToTheVariantItsBucketFallsIn(
      @ForAll @StringLength(max = 20) String unit) {
    ExperimentSpec spec = Specs.follows();
    String variant = spec.assign(unit);
    assertThat(variant)
        .isEqualTo(Assignments.bucket("shows", unit) < 0.5 ? "control" : "recommended");
    assertThat(spec.assign(unit)).isEqualTo(variant);
  }
}
