package org.pytree4j.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The native log_softmax and log_softmax_bp against libnd4j's ops, bit for bit, where the build made
 * the library: every width from 2 to 40 and some long rows, values from tiny to huge with infinities
 * and NaN, on views at an offset; and which arrays they take.
 */
class NativeLogSoftmaxTest {

  @Test
  void theKernelsLoadWhereTheBuildMadeThem() {
    boolean built = GradNativeLibrary.class.getResource(GradNativeLibrary.LIBRARY) != null;
    Assumptions.assumeTrue(built, "the build makes the library on linux-x86_64 with gcc");
    assertTrue(NativeLogSoftmax.AVAILABLE, "built, but it did not load or disagreed with libnd4j's ops");
  }

  @Test
  void everyWidthGivesLibnd4jsBits() {
    Assumptions.assumeTrue(NativeLogSoftmax.AVAILABLE, "the native kernels are built on linux-x86_64 with gcc");
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    int[] widths = new int[43];
    for (int i = 0; i < 39; i++) {
      widths[i] = i + 2;
    }
    widths[39] = 100;
    widths[40] = 257;
    widths[41] = 1000;
    widths[42] = 4099;
    for (int cols : widths) {
      int rows = 2 + random.nextInt(4);
      float[] x = new float[rows * cols + 3];
      float[] g = new float[rows * cols + 3];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
        g[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(3) - 1));
        if (random.nextInt(200) == 0) {
          x[i] = new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, -0f, 88.7f, -104f}[random.nextInt(6)];
        }
      }
      // views at an offset of 3 floats into their buffers
      INDArray xv = Nd4j.createFromArray(x).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 3 + rows * cols))
          .reshape(rows, cols);
      INDArray gv = Nd4j.createFromArray(g).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 3 + rows * cols))
          .reshape(rows, cols);
      INDArray expected = Nd4j.createUninitialized(DataType.FLOAT, rows, cols);
      Nd4j.exec(DynamicCustomOp.builder("log_softmax").addInputs(xv).addOutputs(expected).build());
      INDArray expectedGrad = Nd4j.createUninitialized(DataType.FLOAT, rows, cols);
      Nd4j.exec(DynamicCustomOp.builder("log_softmax_bp").addInputs(xv, gv).addOutputs(expectedGrad).build());
      INDArray out = Nd4j.createUninitialized(DataType.FLOAT, rows, cols);
      NativeLogSoftmax.logSoftmax(xv, out);
      INDArray grad = Nd4j.createUninitialized(DataType.FLOAT, rows, cols);
      NativeLogSoftmax.logSoftmaxBackward(xv, gv, grad);
      String what = rows + " x " + cols + " (seed " + seed + ")";
      assertSameBits(expected, out, "log_softmax " + what);
      assertSameBits(expectedGrad, grad, "log_softmax_bp " + what);
    }
  }

  @Test
  void onlyFloat32MatricesAlongTheirRows() {
    INDArray matrix = Nd4j.create(DataType.FLOAT, 3, 4);
    assertTrue(NativeLogSoftmax.fits(matrix, new long[0]));
    assertTrue(NativeLogSoftmax.fits(matrix, new long[] {1}));
    assertTrue(NativeLogSoftmax.fits(matrix, new long[] {-1}));
    assertFalse(NativeLogSoftmax.fits(matrix, new long[] {0}), "along the columns");
    assertFalse(NativeLogSoftmax.fits(Nd4j.create(DataType.DOUBLE, 3, 4), new long[0]), "float64");
    assertFalse(NativeLogSoftmax.fits(Nd4j.create(DataType.FLOAT, 1, 4), new long[0]), "a row vector: libnd4j's vector path");
    assertFalse(NativeLogSoftmax.fits(Nd4j.create(DataType.FLOAT, 4, 1), new long[0]), "a column vector");
    assertFalse(NativeLogSoftmax.fits(Nd4j.create(DataType.FLOAT, 2, 3, 4), new long[0]), "rank 3");
  }

  private static void assertSameBits(INDArray expected, INDArray actual, String what) {
    float[] e = expected.data().asFloat();
    float[] a = actual.data().asFloat();
    for (int i = 0; i < e.length; i++) {
      if (!(Float.isNaN(e[i]) && Float.isNaN(a[i]))) {
        assertEquals(Float.floatToIntBits(e[i]), Float.floatToIntBits(a[i]),
            what + ", element " + i + ": expected " + e[i] + " but was " + a[i]);
      }
    }
  }
}
