package org.pytree4j.grad;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * libnd4j's float32 {@code log_softmax} and {@code log_softmax_bp} along the last dimension of a
 * matrix in native code ({@code src/main/c/log_softmax.c}, in the {@link GradNativeLibrary}): libnd4j's
 * operations in its order, with the C library's {@code expf} and {@code logf} as libnd4j calls them,
 * one call for the whole matrix instead of libnd4j's op (on the medium model's 128 x 10 logits,
 * 0.066 and 0.044 ms as libnd4j's ops). It is used only after both gave libnd4j's bits on a probe in
 * this process ({@link #agreesWithLibnd4j}); {@code -Dpytree4j.grad.native=false} keeps libnd4j's ops.
 */
final class NativeLogSoftmax {
  /** True when the {@link GradNativeLibrary} loaded and these kernels agree with libnd4j's ops. */
  static final boolean AVAILABLE = GradNativeLibrary.LOADED && agreesWithLibnd4j();

  private NativeLogSoftmax() {}

  private static native void logSoftmax(long x, long out, long rows, long cols);

  private static native void logSoftmaxBackward(long x, long g, long out, long rows, long cols);

  /**
   * Whether the kernels take a {@code log_softmax} (or its gradient) of {@code x}: a float32 c-ordered
   * matrix of at least two rows and columns (libnd4j takes a vector another way), along its last dimension.
   */
  static boolean fits(INDArray x, long[] iArgs) {
    return x.rank() == 2 && x.size(0) > 1 && x.size(1) > 1 && x.dataType() == DataType.FLOAT
        && (iArgs.length == 0 || iArgs.length == 1 && (iArgs[0] == 1 || iArgs[0] == -1));
  }

  /** {@code out = log_softmax(x)} along the rows; contiguous float32 matrices of the same shape. */
  static void logSoftmax(INDArray x, INDArray out) {
    logSoftmax(address(x), address(out), x.size(0), x.size(1));
  }

  /**
   * {@code out = log_softmax_bp(x, g) = g - softmax(x) * sum(g)} along the rows; contiguous float32
   * matrices of the same shape, {@code out} apart from both inputs.
   */
  static void logSoftmaxBackward(INDArray x, INDArray g, INDArray out) {
    logSoftmaxBackward(address(x), address(g), address(out), x.size(0), x.size(1));
  }

  private static long address(INDArray a) {
    return a.data().address() + 4L * a.offset();
  }

  /**
   * Whether both kernels give libnd4j's bits on probe matrices: widths 2 to 17 and 1000, values spread
   * over many magnitudes, with infinities, a NaN and a row of equal values.
   */
  static boolean agreesWithLibnd4j() {
    try {
      Random random = new Random(27);
      for (int cols : new int[] {2, 3, 5, 8, 10, 16, 17, 1000}) {
        int rows = 7;
        float[] x = new float[rows * cols];
        float[] g = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(5) - 1));
          g[i] = (float) random.nextGaussian();
        }
        x[0] = Float.POSITIVE_INFINITY;
        x[cols + 1] = Float.NEGATIVE_INFINITY;
        x[2 * cols] = Float.NaN;
        java.util.Arrays.fill(x, 3 * cols, 4 * cols, -3.5f);
        if (!matches(Nd4j.createFromArray(x).reshape(rows, cols), Nd4j.createFromArray(g).reshape(rows, cols))) {
          return false;
        }
      }
      return true;
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }

  private static boolean matches(INDArray x, INDArray g) {
    INDArray expected = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
    Nd4j.exec(DynamicCustomOp.builder("log_softmax").addInputs(x).addOutputs(expected).build());
    INDArray expectedGrad = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
    Nd4j.exec(DynamicCustomOp.builder("log_softmax_bp").addInputs(x, g).addOutputs(expectedGrad).build());
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
    logSoftmax(x, out);
    INDArray grad = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
    logSoftmaxBackward(x, g, grad);
    return GradNativeLibrary.sameBits(expected.data().asFloat(), out.data().asFloat())
        && GradNativeLibrary.sameBits(expectedGrad.data().asFloat(), grad.data().asFloat());
  }
}
