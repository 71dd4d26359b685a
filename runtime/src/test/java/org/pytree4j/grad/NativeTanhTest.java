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
 * {@code -Plong-tests}, in {@code FloatTanhTest}), on lengths that end in every tail, and on views;
 * and the native tanh_bp and bias add with tanh against the Java kernels.
 */
class NativeTanhTest {

  @Test
  void theLibraryLoadsWhereTheBuildMadeIt() {
    boolean built = GradNativeLibrary.class.getResource(GradNativeLibrary.LIBRARY) != null;
    Assumptions.assumeTrue(built, "the build makes the library on linux-x86_64 with gcc");
    assertTrue(NativeTanh.AVAILABLE, "built, but it did not load or disagreed with FloatTanh");
    float[] probe = FloatTanh.probeInputs();
    int[] differ = NativeTanh.differences(probe);
    assertArrayEquals(new int[0], differ, () -> "first difference at x = " + probe[differ[0]]);
  }

  /**
   * tanh_bp with and without column sums, against the Java kernel's row loop: the load-time probe,
   * then every width up to 17 (each vector tail) over a few rows, written apart and in place (out is g).
   */
  @Test
  void theBackwardGivesTheJavaKernelsBitsWithAndWithoutSums() {
    Assumptions.assumeTrue(NativeTanh.AVAILABLE, "the native kernels are built on linux-x86_64 with gcc");
    assertTrue(NativeTanh.backwardAgrees(), "the load-time probe");
    java.util.Random random = new java.util.Random(41);
    for (int cols = 1; cols <= 17; cols++) {
      int rows = 1 + random.nextInt(5);
      int n = rows * cols;
      float[] th = new float[n];
      float[] g = new float[n];
      for (int i = 0; i < n; i++) {
        th[i] = random.nextFloat() * 2 - 1;
        g[i] = (float) random.nextGaussian();
      }
      float[] expected = g.clone();
      float[] expectedSums = new float[cols];
      for (int i = 0; i < rows; i++) {
        float[] row = java.util.Arrays.copyOfRange(expected, i * cols, (i + 1) * cols);
        KernelStep.TanhBackward.productsAndSums(java.util.Arrays.copyOfRange(th, i * cols, (i + 1) * cols), row,
            expectedSums, cols);
        System.arraycopy(row, 0, expected, i * cols, cols);
      }
      String shape = rows + " x " + cols;
      INDArray thArray = Nd4j.createFromArray(th).reshape(rows, cols);
      INDArray out = Nd4j.zeros(DataType.FLOAT, rows, cols);
      INDArray sums = Nd4j.valueArrayOf(new long[] {cols}, 5f, DataType.FLOAT);
      NativeTanh.backwardWithSums(thArray, Nd4j.createFromArray(g).reshape(rows, cols), out, sums);
      assertArrayEquals(expected, out.data().asFloat(), shape);
      assertArrayEquals(expectedSums, sums.toFloatVector(), shape + ": sums (what was there before is replaced)");
      INDArray inPlace = Nd4j.createFromArray(g).reshape(rows, cols);
      NativeTanh.backward(thArray, inPlace, inPlace);
      assertArrayEquals(expected, inPlace.data().asFloat(), shape + ", in place, no sums");
    }
  }

  /** The fused bias add and tanh: libnd4j's broadcast add, then the Java tanh port, bit for bit; every row tail. */
  @Test
  void theBiasAddAndTanhGiveLibnd4jsAddAndTheJavaTanhsBits() {
    Assumptions.assumeTrue(NativeTanh.AVAILABLE, "the native kernels are built on linux-x86_64 with gcc");
    java.util.Random random = new java.util.Random(43);
    for (int cols = 1; cols <= 17; cols++) {
      int rows = 1 + random.nextInt(4);
      INDArray x = Nd4j.createFromArray(randoms(random, rows * cols)).reshape(rows, cols);
      INDArray b = Nd4j.createFromArray(randoms(random, cols));
      INDArray expectedSum = x.add(b);
      float[] sumValues = expectedSum.data().asFloat();
      float[] expected = new float[sumValues.length];
      FloatTanh.apply(sumValues, expected, sumValues.length);
      INDArray sum = Nd4j.zeros(DataType.FLOAT, rows, cols);
      INDArray out = Nd4j.zeros(DataType.FLOAT, rows, cols);
      NativeTanh.biasTanh(x, b, sum, out);
      assertArrayEquals(sumValues, sum.data().asFloat(), rows + " x " + cols + ": the sum");
      assertArrayEquals(expected, out.data().asFloat(), rows + " x " + cols + ": its tanh");
    }
  }

  private static float[] randoms(java.util.Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian() * 3;
    }
    return v;
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
