package io.tributary.pgwire;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's binary {@code numeric}: a count of base-10000 digits, the weight of the first, a
 * sign and a display scale, then the digits.
 */
final class NumericBinary {
  private static final int POSITIVE = 0x0000;
  private static final int NEGATIVE = 0x4000;
  private static final int NAN = 0xC000;
  private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

  private NumericBinary() {}

  static byte[] encode(BigDecimal value) {
    int scale = Math.max(value.scale(), 0);
    BigInteger unscaled = value.setScale(scale).unscaledValue().abs();
    // shift so that the fraction is a whole number of base-10000 digits
    int fractionDigits = (scale + 3) / 4;
    BigInteger shifted = unscaled.multiply(BigInteger.TEN.pow(fractionDigits * 4 - scale));
    List<Short> digits = new ArrayList<>();
    while (shifted.signum() > 0) {
      BigInteger[] division = shifted.divideAndRemainder(TEN_THOUSAND);
      digits.add(0, division[1].shortValue());
      shifted = division[0];
    }
    int weight = digits.size() - fractionDigits - 1;
    while (!digits.isEmpty() && digits.get(digits.size() - 1) == 0) {
      digits.remove(digits.size() - 1);
    }
    if (digits.isEmpty()) {
      weight = 0;
    }
    ByteBuffer buffer = ByteBuffer.allocate(8 + 2 * digits.size());
    buffer.putShort((short) digits.size());
    buffer.putShort((short) weight);
    buffer.putShort((short) (value.signum() < 0 ? NEGATIVE : POSITIVE));
    buffer.putShort((short) scale);
    for (short digit : digits) {
      buffer.putShort(digit);
    }
    return buffer.array();
  }

  /**
   * @throws IllegalArgumentException for NaN, infinities or a malformed value
   */
  static BigDecimal decode(ByteBuffer buffer) {
    if (buffer.remaining() < 8) {
      throw new IllegalArgumentException(
          "Invalid binary numeric: " + buffer.remaining() + " bytes");
    }
    int count = buffer.getShort();
    int weight = buffer.getShort();
    int sign = buffer.getShort() & 0xffff;
    int scale = buffer.getShort();
    if (count < 0 || scale < 0 || buffer.remaining() != 2 * count) {
      throw new IllegalArgumentException("Invalid binary numeric: " + count + " digits");
    }
    if (sign != POSITIVE && sign != NEGATIVE) {
      throw new IllegalArgumentException(
          sign == NAN
              ? "NaN numeric parameters are not supported"
              : "Invalid numeric sign " + sign);
    }
    BigInteger unscaled = BigInteger.ZERO;
    for (int i = 0; i < count; i++) {
      int digit = buffer.getShort();
      if (digit < 0 || digit >= 10_000) {
        throw new IllegalArgumentException("Invalid binary numeric digit " + digit);
      }
      unscaled = unscaled.multiply(TEN_THOUSAND).add(BigInteger.valueOf(digit));
    }
    BigDecimal value = new BigDecimal(unscaled, 4 * (count - weight - 1));
    value = sign == NEGATIVE ? value.negate() : value;
    try {
      return value.setScale(scale, RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("Invalid binary numeric: digits beyond its scale", e);
    }
  }
}
