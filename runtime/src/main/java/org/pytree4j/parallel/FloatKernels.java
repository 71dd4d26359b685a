package org.pytree4j.parallel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;

/** Element-wise sums and scaling over flat buffers in native byte order. */
final class FloatKernels {
  private FloatKernels() {}

  static int bytesPer(DataType dtype) {
    return switch (dtype) {
      case FLOAT -> 4;
      case DOUBLE -> 8;
      default -> throw new IllegalArgumentException("no reduction kernel for " + dtype);
    };
  }

  /** {@code dst[i] += src[i]} for {@code count} elements at the given byte offsets. */
  static void add(ByteBuffer dst, int dstOffset, ByteBuffer src, int srcOffset, int count, DataType dtype) {
    if (dtype == DataType.FLOAT) {
      FloatBuffer d = floats(dst, dstOffset, count);
      FloatBuffer s = floats(src, srcOffset, count);
      for (int i = 0; i < count; i++) {
        d.put(i, d.get(i) + s.get(i));
      }
    } else {
      DoubleBuffer d = doubles(dst, dstOffset, count);
      DoubleBuffer s = doubles(src, srcOffset, count);
      for (int i = 0; i < count; i++) {
        d.put(i, d.get(i) + s.get(i));
      }
    }
  }

  /**
   * {@code data[i] /= divisor} for the first {@code count} elements (pmean's sum / n). For a power
   * of two it multiplies by the reciprocal instead, which gives the same bits (both are exact
   * scalings by a power of two, rounded once) at a fraction of a division's cost.
   */
  static void divide(ByteBuffer data, int count, DataType dtype, int divisor) {
    boolean powerOfTwo = Integer.bitCount(divisor) == 1;
    if (dtype == DataType.FLOAT) {
      FloatBuffer d = floats(data, 0, count);
      float n = divisor;
      if (powerOfTwo) {
        float reciprocal = 1f / n;
        for (int i = 0; i < count; i++) {
          d.put(i, d.get(i) * reciprocal);
        }
      } else {
        for (int i = 0; i < count; i++) {
          d.put(i, d.get(i) / n);
        }
      }
    } else {
      DoubleBuffer d = doubles(data, 0, count);
      double n = divisor;
      if (powerOfTwo) {
        double reciprocal = 1.0 / n;
        for (int i = 0; i < count; i++) {
          d.put(i, d.get(i) * reciprocal);
        }
      } else {
        for (int i = 0; i < count; i++) {
          d.put(i, d.get(i) / n);
        }
      }
    }
  }

  private static FloatBuffer floats(ByteBuffer b, int offset, int count) {
    return b.duplicate().position(offset).limit(offset + count * 4).slice().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  private static DoubleBuffer doubles(ByteBuffer b, int offset, int count) {
    return b.duplicate().position(offset).limit(offset + count * 8).slice().order(ByteOrder.nativeOrder()).asDoubleBuffer();
  }
}
