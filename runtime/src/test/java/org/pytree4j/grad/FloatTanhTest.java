package org.pytree4j.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link FloatTanh} against libnd4j's float32 {@code tanh}, bit for bit: on the probe a plan runs before
 * using it, and on every {@code pytree4j.tanh.stride}-th float bit pattern (257 by default, 16.7 million
 * inputs; 1 with {@code -Plong-tests}: all 2^32), there with the native kernel ({@link NativeTanh})
 * beside it where it loaded.
 */
class FloatTanhTest {

  @Test
  void agreesWithLibnd4jOnTheProbe() {
    float[] probe = FloatTanh.probeInputs();
    int[] differ = FloatTanh.differences(probe);
    assertArrayEquals(new int[0], differ, () -> "first difference at x = " + probe[differ[0]]);
    assertTrue(FloatTanh.agreesWithLibnd4j());
  }

  @Test
  void agreesWithLibnd4jOnEveryStrideThFloat() {
    long stride = Long.getLong("pytree4j.tanh.stride", 257);
    int chunk = 1 << 22;
    float[] x = new float[chunk];
    float[] want = new float[chunk];
    float[] java = new float[chunk];
    float[] nativeOut = new float[chunk];
    // one set of arrays for the whole sweep: a fresh 16 MB native array per chunk would double its time
    INDArray in = Nd4j.createUninitialized(DataType.FLOAT, chunk);
    INDArray libnd4j = Nd4j.createUninitialized(DataType.FLOAT, chunk);
    INDArray kernel = Nd4j.createUninitialized(DataType.FLOAT, chunk);
    List<String> differ = new ArrayList<>();
    long bits = 0;
    while (bits < 1L << 32 && differ.size() < 10) {
      int n = 0;
      for (; n < chunk && bits < 1L << 32; n++, bits += stride) {
        x[n] = Float.intBitsToFloat((int) bits);
      }
      Arrays.fill(x, n, chunk, 0f);
      floats(in).put(0, x);
      Nd4j.getExecutioner().exec(new Tanh(in, libnd4j));
      floats(libnd4j).get(0, want);
      FloatTanh.apply(x, java, chunk);
      if (NativeTanh.AVAILABLE) {
        NativeTanh.tanh(in, kernel);
        floats(kernel).get(0, nativeOut);
      }
      for (int i = 0; i < n; i++) {
        if (Float.floatToIntBits(java[i]) != Float.floatToIntBits(want[i])) {
          differ.add(Integer.toHexString(Float.floatToRawIntBits(x[i])) + " (" + x[i] + ")");
        }
        if (NativeTanh.AVAILABLE && Float.floatToIntBits(nativeOut[i]) != Float.floatToIntBits(want[i])) {
          differ.add("native " + Integer.toHexString(Float.floatToRawIntBits(x[i])) + " (" + x[i] + ")");
        }
      }
    }
    assertTrue(differ.isEmpty(), "differs from libnd4j at " + differ);
  }

  private static FloatBuffer floats(INDArray a) {
    return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /**
   * Where {@link FloatTanh#LOG2_E} comes from: glibc's powf takes log2 of its base from entry 15 of its
   * 16-entry table ({@code invc}, {@code logc}) and a degree-5 polynomial in {@code r = z * invc - 1};
   * its x86-64 build for CPUs with FMA fuses each product and sum. The build without gives one ulp less,
   * which gave the same tanh on all 2^32 inputs when measured outside this suite; on such a machine the
   * probe decides.
   */
  @Test
  void log2OfTheBaseIsGlibcPowfsOwn() {
    int ix = Float.floatToRawIntBits((float) Math.E);
    int top = (ix - 0x3f330000) & 0xff800000;
    assertEquals(15, ((ix - 0x3f330000) >>> 19) % 16, "the table entry");
    double z = Float.intBitsToFloat(ix - top);
    double invc = 0x1.767dcf5534862p-1;
    double logc = 0x1.ce0a44eb17bccp-2;
    double[] a = {0x1.27616c9496e0bp-2, -0x1.71969a075c67ap-2, 0x1.ec70a6ca7baddp-2, -0x1.7154748bef6c8p-1,
        0x1.71547652ab82bp+0};
    double r = Math.fma(z, invc, -1.0);
    double r2 = r * r;
    double y = Math.fma(a[0], r, a[1]);
    double p = Math.fma(a[2], r, a[3]);
    double q = Math.fma(a[4], r, logc + (top >> 23));
    q = Math.fma(p, r2, q);
    assertEquals(FloatTanh.LOG2_E, Math.fma(y, r2 * r2, q));
    assertNotEquals(1 / Math.log(2), FloatTanh.LOG2_E, "not the true log2(e): the base is (float) e");
  }

  @Test
  void theProbeNoticesATanhRoundedDifferently() {
    float[] probe = FloatTanh.probeInputs();
    float[] correctlyRounded = new float[probe.length];
    for (int i = 0; i < probe.length; i++) {
      correctlyRounded[i] = (float) Math.tanh(probe[i]);
    }
    assertTrue(FloatTanh.differences(probe, correctlyRounded).length > 1000,
        "libnd4j's tanh is off by an ulp or more on many inputs; the probe must see it");
  }
}
