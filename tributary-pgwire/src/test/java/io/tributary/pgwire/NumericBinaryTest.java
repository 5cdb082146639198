package io.tributary.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class NumericBinaryTest {
  @Test
  void encodesBase10000DigitsWithWeightSignAndScale() {
    ByteBuffer encoded = ByteBuffer.wrap(NumericBinary.encode(new BigDecimal("-12345.6700")));
    assertThat(encoded.getShort()).isEqualTo((short) 3); // 1 2345 6700
    assertThat(encoded.getShort()).isEqualTo((short) 1);
    assertThat(encoded.getShort()).isEqualTo((short) 0x4000);
    assertThat(encoded.getShort()).isEqualTo((short) 4);
    assertThat(new short[] {encoded.getShort(), encoded.getShort(), encoded.getShort()})
        .containsExactly((short) 1, (short) 2345, (short) 6700);
  }

  @Property(seed = "20261204")
  void decodesWhatItEncodes(
      @ForAll BigInteger unscaled, @ForAll @IntRange(min = 0, max = 30) int scale) {
    BigDecimal value = new BigDecimal(unscaled, scale);
    assertThat(NumericBinary.decode(ByteBuffer.wrap(NumericBinary.encode(value)))).isEqualTo(value);
  }
}
