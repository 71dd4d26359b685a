package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Lion's branch-free sign gives {@code Math.signum}'s bits: zeros keep their sign, NaNs their payload. */
class LionSignTest {

  @Test
  void float32SignIsMathSignum() {
    float[] special = {0f, -0f, Float.NaN, Float.intBitsToFloat(0xffc00001), Float.intBitsToFloat(0x7f800001),
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 0.5f};
    for (float x : special) {
      assertEquals(Float.floatToRawIntBits(Math.signum(x)), Float.floatToRawIntBits(ScaleByLion.LionOp.sign(x)),
          "sign(" + x + ")");
    }
    Random r = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      float x = Float.intBitsToFloat(r.nextInt());
      assertEquals(Float.floatToRawIntBits(Math.signum(x)), Float.floatToRawIntBits(ScaleByLion.LionOp.sign(x)),
          "sign of the bits " + Integer.toHexString(Float.floatToRawIntBits(x)));
    }
  }

  @Test
  void float64SignIsMathSignum() {
    double[] special = {0d, -0d, Double.NaN, Double.longBitsToDouble(0xfff8000000000001L),
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE,
        -Double.MAX_VALUE, 1d, -1d, 1e-300};
    for (double x : special) {
      assertEquals(Double.doubleToRawLongBits(Math.signum(x)), Double.doubleToRawLongBits(ScaleByLion.LionOp.sign(x)),
          "sign(" + x + ")");
    }
    Random r = new Random(8);
    for (int i = 0; i < 100_000; i++) {
      double x = Double.longBitsToDouble(r.nextLong());
      assertEquals(Double.doubleToRawLongBits(Math.signum(x)), Double.doubleToRawLongBits(ScaleByLion.LionOp.sign(x)),
          "sign of the bits " + Long.toHexString(Double.doubleToRawLongBits(x)));
    }
  }
}
