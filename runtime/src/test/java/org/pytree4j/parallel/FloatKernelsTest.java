package org.pytree4j.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** pmean's division: by a power of two through the reciprocal, with the bits of a true division. */
class FloatKernelsTest {
  @Test
  void dividingByAnyNumberOfRanksGivesTheBitsOfADivision() {
    long seed = new Random().nextLong();
    Random rng = new Random(seed);
    int count = 10_000;
    for (int n = 1; n <= 9; n++) {
      ByteBuffer f = ByteBuffer.allocateDirect(4 * count).order(ByteOrder.nativeOrder());
      ByteBuffer d = ByteBuffer.allocateDirect(8 * count).order(ByteOrder.nativeOrder());
      float[] fs = new float[count];
      double[] ds = new double[count];
      for (int i = 0; i < count; i++) {
        // normal, huge and subnormal magnitudes
        int scale = rng.nextInt(3);
        fs[i] = (float) (rng.nextGaussian() * (scale == 0 ? 1 : scale == 1 ? 1e37 : 1e-40));
        ds[i] = rng.nextGaussian() * (scale == 0 ? 1 : scale == 1 ? 1e307 : 1e-310);
        f.putFloat(4 * i, fs[i]);
        d.putDouble(8 * i, ds[i]);
      }
      FloatKernels.divide(f, count, DataType.FLOAT, n);
      FloatKernels.divide(d, count, DataType.DOUBLE, n);
      for (int i = 0; i < count; i++) {
        assertEquals(Float.floatToRawIntBits(fs[i] / n), Float.floatToRawIntBits(f.getFloat(4 * i)),
            "float32 " + fs[i] + " / " + n + " (seed " + seed + ")");
        assertEquals(Double.doubleToRawLongBits(ds[i] / n), Double.doubleToRawLongBits(d.getDouble(8 * i)),
            "float64 " + ds[i] + " / " + n + " (seed " + seed + ")");
      }
    }
  }
}
