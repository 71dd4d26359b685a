package org.pytree4j.grad;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link FloatTanh} in native code ({@code src/main/c/tanh.c}, in the {@link GradNativeLibrary}):
 * eight elements at a time with AVX2, on the arrays' native memory, about 1 ns an element here against
 * the Java port's 3.3 and libnd4j's 6, also fused with the bias add before it ({@link #biasTanh}); and
 * the float32 {@code tanh_bp} of {@link KernelStep.TanhBackward}, with its column sums, read and
 * written in place rather than copied through heap arrays. It is used only after both give the Java
 * kernels' bits ({@link FloatTanh#probeInputs}, {@link #backwardAgrees}).
 */
final class NativeTanh {
  /** True when the library loaded and its tanh kernels agree with {@link FloatTanh} and the Java tanh_bp. */
  static final boolean AVAILABLE = GradNativeLibrary.LOADED && agrees();

  private NativeTanh() {}

  /** {@code out[i] = tanh(in[i])} for {@code i < n}; native addresses of float32 memory. */
  private static native void tanh(long in, long out, long n);

  /** {@code out = tanh(x)}: contiguous float32 arrays of the same length. */
  static void tanh(INDArray x, INDArray out) {
    if (x.isEmpty()) {
      return;   // ND4J gives an empty array no buffer
    }
    tanh(address(x), address(out), x.length());
  }

  private static native void biasTanh(long x, long b, long sum, long out, long rows, long cols);

  /**
   * {@code sum = x + b} (b added to every row of the {@code [rows, cols]} matrix x) and
   * {@code out = tanh(sum)}: a bias add and its tanh in one pass; contiguous float32 arrays.
   */
  static void biasTanh(INDArray x, INDArray b, INDArray sum, INDArray out) {
    if (!x.isEmpty()) {
      biasTanh(address(x), address(b), address(sum), address(out), x.size(0), x.size(1));
    }
  }

  /**
   * {@code out = g * (1 - th * th)} and, when {@code sums} is not 0, the column sums of {@code out}
   * (rows x cols) into {@code sums}: {@link KernelStep.TanhBackward}'s operations in its order.
   */
  private static native void backward(long th, long g, long out, long sums, long rows, long cols);

  /** {@code out = g * (1 - th * th)}: contiguous float32 arrays of the same length. */
  static void backward(INDArray th, INDArray g, INDArray out) {
    if (!th.isEmpty()) {
      backward(address(th), address(g), address(out), 0, 1, th.length());
    }
  }

  /**
   * {@code out = g * (1 - th * th)} for {@code [rows, cols]} float32 matrices, and the column sums of
   * {@code out} into {@code sums}, a float32 vector of {@code cols}.
   */
  static void backwardWithSums(INDArray th, INDArray g, INDArray out, INDArray sums) {
    if (!th.isEmpty()) {
      backward(address(th), address(g), address(out), address(sums), out.size(0), out.size(1));
    }
  }

  private static long address(INDArray a) {
    return a.data().address() + 4L * a.offset();
  }

  private static boolean agrees() {
    try {
      return differences(FloatTanh.probeInputs()).length == 0 && backwardAgrees();
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether the native {@code tanh_bp}, with and without column sums, gives the Java kernel's bits on
   * a matrix of {@link FloatTanh#probeInputs} (as th) and their negations in reverse (as g).
   */
  static boolean backwardAgrees() {
    float[] th = FloatTanh.probeInputs();
    int cols = 7;
    int rows = th.length / cols;
    int n = rows * cols;
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      g[i] = -th[n - 1 - i];
    }
    float[] expected = new float[n];
    float[] expectedSums = new float[cols];
    float[] row = new float[cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(g, i * cols, row, 0, cols);
      KernelStep.TanhBackward.productsAndSums(java.util.Arrays.copyOfRange(th, i * cols, (i + 1) * cols), row,
          expectedSums, cols);
      System.arraycopy(row, 0, expected, i * cols, cols);
    }
    INDArray thArray = Nd4j.createFromArray(java.util.Arrays.copyOf(th, n)).reshape(rows, cols);
    INDArray gArray = Nd4j.createFromArray(g).reshape(rows, cols);
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, rows, cols);
    INDArray sums = Nd4j.createUninitialized(DataType.FLOAT, cols);
    backwardWithSums(thArray, gArray, out, sums);
    INDArray plain = Nd4j.createUninitialized(DataType.FLOAT, rows, cols);
    backward(thArray, gArray, plain);
    return GradNativeLibrary.sameBits(expected, out.data().asFloat())
        && GradNativeLibrary.sameBits(expected, plain.data().asFloat())
        && GradNativeLibrary.sameBits(expectedSums, sums.toFloatVector());
  }

  /** Indexes where the native kernel and {@link FloatTanh} differ on {@code x}; NaN equals NaN. */
  static int[] differences(float[] x) {
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.length);
    tanh(Nd4j.createFromArray(x), out);
    return FloatTanh.differences(x, out.toFloatVector());
  }
}
