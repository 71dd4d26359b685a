package org.pytree4j.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

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
    List<String> differ = new ArrayList<>();
    long bits = 0;
    while (bits < 1L << 32 && differ.size() < 10) {
      int n = 0;
      for (; n < chunk && bits < 1L << 32; n++, bits += stride) {
        x[n] = Float.intBitsToFloat((int) bits);
      }
      float[] inputs = n == chunk ? x : java.util.Arrays.copyOf(x, n);
      for (int i : FloatTanh.differences(inputs)) {
        differ.add(Integer.toHexString(Float.floatToRawIntBits(inputs[i])) + " (" + inputs[i] + ")");
      }
      if (NativeTanh.AVAILABLE) {
        for (int i : NativeTanh.differences(inputs)) {
          differ.add("native " + Integer.toHexString(Float.floatToRawIntBits(inputs[i])) + " (" + inputs[i] + ")");
        }
      }
    }
    assertTrue(differ.isEmpty(), "differs from libnd4j at " + differ);
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
