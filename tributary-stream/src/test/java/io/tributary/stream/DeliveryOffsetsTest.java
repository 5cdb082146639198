package io.tributary.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class DeliveryOffsetsTest {

  @Test
  void encodesSortedByPartition() {
    assertThat(DeliveryOffsets.encode(Map.of(2, 7L, 0, 12L, 1, 0L))).isEqualTo("0:12,1:0,2:7");
    assertThat(DeliveryOffsets.key("app_events")).isEqualTo("tributary.offsets.app_events");
  }

  @Test
  void decodesNothingAsEmptyAndCorruptTextLoudly() {
    assertThat(DeliveryOffsets.decode(Optional.empty())).isEmpty();
    assertThat(DeliveryOffsets.decode(Optional.of(""))).isEmpty();
    assertThatThrownBy(() -> DeliveryOffsets.decode(Optional.of("0=1")))
        .hasMessageContaining("0=1");
  }

  @Property(seed = "20261126")
  void roundTrips(
      @ForAll @Size(max = 50)
          Map<@IntRange(min = 0, max = 999) Integer, @LongRange(min = 0) Long> offsets) {
    assertThat(DeliveryOffsets.decode(Optional.of(DeliveryOffsets.encode(offsets))))
        .isEqualTo(offsets);
  }
}
