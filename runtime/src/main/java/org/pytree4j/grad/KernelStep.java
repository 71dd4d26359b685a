package org.pytree4j.grad;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A step the plan computes in Java, on the arrays' native memory, where one pass does the work of
 * several libnd4j ops or of a slow one, with the same float operations in the same order as libnd4j
 * (so the same bits):
 *
 * <ul>
 *   <li>{@link #columnSum}: the bias gradient of {@code add_bp}, {@code out[j] = sum_i g[i][j]}, summed
 *       over i in order as libnd4j's reduction along dimension 0 does; row by row, so the inner loop runs
 *       over contiguous memory (libnd4j walks each strided column: 10 to 20 times slower here);
 *   <li>{@link #tanhBackward}: {@code tanh_bp}'s {@code g * (1 - th * th)} from the forward pass's
 *       {@code th} in one pass (three elementwise ops otherwise), and in the same pass, where the layer
 *       has a bias, that bias's gradient (the column sums of the result, as {@link #columnSum} sums);
 *       for float32 by {@link NativeTanh} where it loaded;
 *   <li>{@link #tanh}: the forward {@code tanh} of float32 arrays, by {@link NativeTanh} or
 *       {@link FloatTanh}, in a quarter or half of libnd4j's time; {@link #biasTanh}, the same after
 *       the bias add that computes its input, in the same pass;
 *   <li>{@link #logSoftmax} and {@link #logSoftmaxBackward}: float32 {@code log_softmax} and its
 *       gradient along a matrix's rows, by {@link NativeLogSoftmax}, one call instead of libnd4j's op;
 *   <li>{@link #negate}: {@code neg}, a sign flip, which ND4J's executioner runs as a legacy op at
 *       10 to 40 us even for the loss's one element.
 * </ul>
 *
 * Arrays are read from their {@link PlanValue}s at every run (gradients are rebound per call); all are
 * c-ordered and contiguous (checked when the plan is traced).
 */
abstract class KernelStep extends PlanStep {
  /** Elements an elementwise kernel copies in and out of native memory at a time. */
  private static final int BLOCK = 2048;

  private KernelStep(String name) {
    super(name, 1);
  }

  static boolean fits(INDArray... arrays) {
    for (INDArray a : arrays) {
      if (a.ordering() != 'c' || a.elementWiseStride() != 1 || a.isEmpty()
          || (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) || a.dataType() != arrays[0].dataType()) {
        return false;
      }
    }
    return true;
  }

  /** {@code out[j] = sum over i of g[i][j]} for {@code g} of shape {@code [rows, cols]}. */
  static KernelStep columnSum(String name, PlanValue g, PlanValue out) {
    return new KernelStep(name) {
      private final Buffers buffers = new Buffers(2);

      @Override
      void run() {
        INDArray gArray = g.array();
        INDArray outArray = out.array();
        int rows = (int) gArray.size(0);
        int cols = (int) gArray.size(1);
        int base = (int) gArray.offset();
        if (gArray.dataType() == DataType.FLOAT) {
          float[] all = buffers.floatScratch(0, rows * cols);
          buffers.floats(0, gArray).get(base, all, 0, rows * cols);
          float[] sum = new float[cols];
          for (int i = 0; i < rows; i++) {
            int row = i * cols;
            for (int j = 0; j < cols; j++) {
              sum[j] += all[row + j];
            }
          }
          buffers.floats(1, outArray).put((int) outArray.offset(), sum);
        } else {
          double[] all = buffers.doubleScratch(0, rows * cols);
          buffers.doubles(0, gArray).get(base, all, 0, rows * cols);
          double[] sum = new double[cols];
          for (int i = 0; i < rows; i++) {
            int row = i * cols;
            for (int j = 0; j < cols; j++) {
              sum[j] += all[row + j];
            }
          }
          buffers.doubles(1, outArray).put((int) outArray.offset(), sum);
        }
      }
    };
  }

  /**
   * {@code out = tanh(x)} for float32 {@code x}: libnd4j's bits, by {@link NativeTanh} where it loaded,
   * else by {@link FloatTanh}.
   */
  static KernelStep tanh(String name, PlanValue x, PlanValue out) {
    return new KernelStep(name) {
      private final Buffers buffers = new Buffers(2);

      @Override
      void run() {
        INDArray xArray = x.array();
        INDArray outArray = out.array();
        if (NativeTanh.AVAILABLE) {
          NativeTanh.tanh(xArray, outArray);
          return;
        }
        int n = (int) xArray.length();
        FloatBuffer in = buffers.floats(0, xArray);
        FloatBuffer o = buffers.floats(1, outArray);
        float[] xb = buffers.floatScratch(0, Math.min(BLOCK, n));
        float[] ob = buffers.floatScratch(1, Math.min(BLOCK, n));
        for (int start = 0; start < n; start += BLOCK) {
          int len = Math.min(BLOCK, n - start);
          in.get((int) xArray.offset() + start, xb, 0, len);
          FloatTanh.apply(xb, ob, len);
          o.put((int) outArray.offset() + start, ob, 0, len);
        }
      }
    };
  }

  /**
   * {@code sum = x + b} for a {@code [rows, cols]} matrix x and a bias b of {@code cols}, and
   * {@code out = tanh(sum)}, by {@link NativeTanh#biasTanh} (the plan fuses them only where it loaded):
   * the bias add's and the tanh's bits in one pass, without libnd4j's broadcast op.
   */
  static KernelStep biasTanh(String name, PlanValue x, PlanValue b, PlanValue sum, PlanValue out) {
    return new KernelStep(name) {
      @Override
      void run() {
        NativeTanh.biasTanh(x.array(), b.array(), sum.array(), out.array());
      }
    };
  }

  /** {@code out = log_softmax(x)} along the rows of a float32 matrix, by {@link NativeLogSoftmax}. */
  static KernelStep logSoftmax(String name, PlanValue x, PlanValue out) {
    return new KernelStep(name) {
      @Override
      void run() {
        NativeLogSoftmax.logSoftmax(x.array(), out.array());
      }
    };
  }

  /** {@code out = log_softmax_bp(x, g)} along the rows of float32 matrices, by {@link NativeLogSoftmax}. */
  static KernelStep logSoftmaxBackward(String name, PlanValue x, PlanValue g, PlanValue out) {
    return new KernelStep(name) {
      @Override
      void run() {
        NativeLogSoftmax.logSoftmaxBackward(x.array(), g.array(), out.array());
      }
    };
  }

  /** {@code out = -x}, elementwise: libnd4j's {@code neg} flips the sign bit, as Java's does. */
  static KernelStep negate(String name, PlanValue x, PlanValue out) {
    return new KernelStep(name) {
      private final Buffers buffers = new Buffers(2);

      @Override
      void run() {
        INDArray xArray = x.array();
        INDArray outArray = out.array();
        int n = (int) xArray.length();
        int xAt = (int) xArray.offset();
        int outAt = (int) outArray.offset();
        if (xArray.dataType() == DataType.FLOAT) {
          FloatBuffer in = buffers.floats(0, xArray);
          FloatBuffer o = buffers.floats(1, outArray);
          for (int i = 0; i < n; i++) {
            o.put(outAt + i, -in.get(xAt + i));
          }
        } else {
          DoubleBuffer in = buffers.doubles(0, xArray);
          DoubleBuffer o = buffers.doubles(1, outArray);
          for (int i = 0; i < n; i++) {
            o.put(outAt + i, -in.get(xAt + i));
          }
        }
      }
    };
  }

  /** {@code out = g * (1 - th * th)}, elementwise; see {@link TanhBackward#alsoColumnSums}. */
  static TanhBackward tanhBackward(String name, PlanValue th, PlanValue g, PlanValue out) {
    return new TanhBackward(name, th, g, out);
  }

  /**
   * {@code tanh_bp}'s {@code out = g * (1 - th * th)}, and, when {@link #alsoColumnSums} gave it a
   * second output, the column sums of {@code out} ({@link #columnSum}'s, in its order): a bias add
   * before the tanh takes its gradient as the column sums of this one's, which then need no pass of
   * their own.
   */
  static final class TanhBackward extends KernelStep {
    private final PlanValue th;
    private final PlanValue g;
    private final PlanValue out;
    private PlanValue sums;
    private final Buffers buffers = new Buffers(4);

    private TanhBackward(String name, PlanValue th, PlanValue g, PlanValue out) {
      super(name);
      this.th = th;
      this.g = g;
      this.out = out;
    }

    /** The value this step writes ({@code g * (1 - th * th)}). */
    PlanValue output() {
      return out;
    }

    /**
     * Makes this step also write the column sums of its output, of shape {@code [rows, cols]}, into
     * {@code sums}; false if it already does, or its output is not a matrix.
     */
    boolean alsoColumnSums(PlanValue sums) {
      if (this.sums != null || out.array().rank() != 2) {
        return false;
      }
      this.sums = sums;
      return true;
    }

    @Override
    void run() {
      INDArray thArray = th.array();
      INDArray gArray = g.array();
      INDArray outArray = out.array();
      if (NativeTanh.AVAILABLE && thArray.dataType() == DataType.FLOAT) {
        if (sums != null) {
          NativeTanh.backwardWithSums(thArray, gArray, outArray, sums.array());
        } else {
          NativeTanh.backward(thArray, gArray, outArray);
        }
        return;
      }
      if (sums != null) {
        runWithSums();
        return;
      }
      int n = (int) thArray.length();
      int block = Math.min(BLOCK, n);
      if (thArray.dataType() == DataType.FLOAT) {
        FloatBuffer t = buffers.floats(0, thArray);
        FloatBuffer d = buffers.floats(1, gArray);
        FloatBuffer o = buffers.floats(2, outArray);
        float[] tb = buffers.floatScratch(0, block);
        float[] db = buffers.floatScratch(1, block);
        for (int start = 0; start < n; start += BLOCK) {
          int len = Math.min(BLOCK, n - start);
          t.get((int) thArray.offset() + start, tb, 0, len);
          d.get((int) gArray.offset() + start, db, 0, len);
          for (int k = 0; k < len; k++) {
            db[k] = db[k] * (1.0f - tb[k] * tb[k]);
          }
          o.put((int) outArray.offset() + start, db, 0, len);
        }
      } else {
        DoubleBuffer t = buffers.doubles(0, thArray);
        DoubleBuffer d = buffers.doubles(1, gArray);
        DoubleBuffer o = buffers.doubles(2, outArray);
        double[] tb = buffers.doubleScratch(0, block);
        double[] db = buffers.doubleScratch(1, block);
        for (int start = 0; start < n; start += BLOCK) {
          int len = Math.min(BLOCK, n - start);
          t.get((int) thArray.offset() + start, tb, 0, len);
          d.get((int) gArray.offset() + start, db, 0, len);
          for (int k = 0; k < len; k++) {
            db[k] = db[k] * (1.0 - tb[k] * tb[k]);
          }
          o.put((int) outArray.offset() + start, db, 0, len);
        }
      }
    }

    /** One row: {@code d[j] = d[j] * (1 - t[j] * t[j])}, each added into {@code sum[j]}. */
    static void productsAndSums(float[] t, float[] d, float[] sum, int cols) {
      for (int j = 0; j < cols; j++) {
        float v = d[j] * (1.0f - t[j] * t[j]);
        d[j] = v;
        sum[j] += v;
      }
    }

    /** Row by row: each row's products, written out and added into the column sums in row order. */
    private void runWithSums() {
      INDArray thArray = th.array();
      INDArray gArray = g.array();
      INDArray outArray = out.array();
      INDArray sumArray = sums.array();
      int rows = (int) outArray.size(0);
      int cols = (int) outArray.size(1);
      int thAt = (int) thArray.offset();
      int gAt = (int) gArray.offset();
      int outAt = (int) outArray.offset();
      if (thArray.dataType() == DataType.FLOAT) {
        FloatBuffer t = buffers.floats(0, thArray);
        FloatBuffer d = buffers.floats(1, gArray);
        FloatBuffer o = buffers.floats(2, outArray);
        float[] tb = buffers.floatScratch(0, cols);
        float[] db = buffers.floatScratch(1, cols);
        float[] sum = new float[cols];
        for (int i = 0, row = 0; i < rows; i++, row += cols) {
          t.get(thAt + row, tb, 0, cols);
          d.get(gAt + row, db, 0, cols);
          productsAndSums(tb, db, sum, cols);
          o.put(outAt + row, db, 0, cols);
        }
        buffers.floats(3, sumArray).put((int) sumArray.offset(), sum);
      } else {
        DoubleBuffer t = buffers.doubles(0, thArray);
        DoubleBuffer d = buffers.doubles(1, gArray);
        DoubleBuffer o = buffers.doubles(2, outArray);
        double[] tb = buffers.doubleScratch(0, cols);
        double[] db = buffers.doubleScratch(1, cols);
        double[] sum = new double[cols];
        for (int i = 0, row = 0; i < rows; i++, row += cols) {
          t.get(thAt + row, tb, 0, cols);
          d.get(gAt + row, db, 0, cols);
          for (int j = 0; j < cols; j++) {
            double v = db[j] * (1.0 - tb[j] * tb[j]);
            db[j] = v;
            sum[j] += v;
          }
          o.put(outAt + row, db, 0, cols);
        }
        buffers.doubles(3, sumArray).put((int) sumArray.offset(), sum);
      }
    }
  }

  /**
   * A kernel's NIO views of its arrays' native memory, made again only when a value was rebound to
   * another array, and its scratch arrays, made once.
   */
  private static final class Buffers {
    private final INDArray[] arrays;
    private final java.nio.Buffer[] views;
    private final Object[] scratch = new Object[2];

    Buffers(int n) {
      arrays = new INDArray[n];
      views = new java.nio.Buffer[n];
    }

    FloatBuffer floats(int i, INDArray a) {
      if (arrays[i] != a) {
        arrays[i] = a;
        views[i] = a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
      }
      return (FloatBuffer) views[i];
    }

    DoubleBuffer doubles(int i, INDArray a) {
      if (arrays[i] != a) {
        arrays[i] = a;
        views[i] = a.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
      }
      return (DoubleBuffer) views[i];
    }

    float[] floatScratch(int i, int length) {
      if (!(scratch[i] instanceof float[] f) || f.length < length) {
        scratch[i] = new float[length];
      }
      return (float[]) scratch[i];
    }

    double[] doubleScratch(int i, int length) {
      if (!(scratch[i] instanceof double[] d) || d.length < length) {
        scratch[i] = new double[length];
      }
      return (double[]) scratch[i];
    }
  }
}
