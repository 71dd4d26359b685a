package org.pytree4j.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The native tanh against {@link FloatTanh}, bit for bit (and so against libnd4j, {@code FloatTanhTest}),
 * where the build made it: on the probe, on every 257th float bit pattern (all of them with
 * {@code -Plong-tests}, in {@code FloatTanhTest}), on lengths that end in every tail, and on views.
 */
class NativeTanhTest {

  @Test
  void theLibraryLoadsWhereTheBuildMadeIt() {
    boolean built = NativeTanh.class.getResource(NativeTanh.LIBRARY) != null;
    Assumptions.assumeTrue(built, "the build makes the library on linux-x86_64 with gcc");
    assertTrue(NativeTanh.AVAILABLE, "built, but it did not load or disagreed with FloatTanh");
    float[] probe = FloatTanh.probeInputs();
    int[] differ = NativeTanh.differences(probe);
    assertArrayEquals(new int[0], differ, () -> "first difference at x = " + probe[differ[0]]);
  }

  @Test
  void everyTailLengthAndAView() {
    Assumptions.assumeTrue(NativeTanh.AVAILABLE, "the native tanh is built on linux-x86_64 with gcc");
    float[] x = new float[40];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i - 20) * 0.37f;
    }
    for (int n = 0; n <= 17; n++) {
      float[] part = java.util.Arrays.copyOf(x, n);
      assertArrayEquals(new int[0], NativeTanh.differences(part), "length " + n);
    }
    INDArray all = Nd4j.createFromArray(x);
    INDArray view = all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 27));
    INDArray out = Nd4j.zeros(DataType.FLOAT, 40);
    INDArray outView = out.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(5, 29));
    NativeTanh.tanh(view, outView);
    float[] expected = new float[24];
    FloatTanh.apply(java.util.Arrays.copyOfRange(x, 3, 27), expected, 24);
    assertArrayEquals(expected, outView.toFloatVector());
    assertArrayEquals(new float[5], java.util.Arrays.copyOf(out.toFloatVector(), 5), "nothing written before the view");
    assertArrayEquals(new float[11], java.util.Arrays.copyOfRange(out.toFloatVector(), 29, 40), "nor after it");
  }
}
