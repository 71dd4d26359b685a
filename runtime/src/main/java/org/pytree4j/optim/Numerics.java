package org.pytree4j.optim;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Optax's {@code optax.safe_increment}: counters that saturate instead of overflowing. */
final class Numerics {
  private Numerics() {}

  /** {@code count + 1}, or {@link Integer#MAX_VALUE} when already there (no overflow to negative). */
  static int safeIncrement(int count) {
    return count == Integer.MAX_VALUE ? count : count + 1;
  }

  /**
   * Every element {@code + 1}, except those at their dtype's maximum ({@code iinfo.max} /
   * {@code finfo.max}), which stay. A new array of the same dtype; booleans are rejected.
   */
  static INDArray safeIncrement(INDArray count) {
    DataType type = count.dataType();
    if (type == DataType.BOOL || type == DataType.UTF8 || type == DataType.COMPRESSED || type == DataType.UNKNOWN) {
      throw new IllegalArgumentException("safe_increment needs an integer or floating-point counter, not "
          + FloatTypes.name(type));
    }
    INDArray out = count.dup('c');
    // integers go through the buffer: INDArray.putScalar has no long overload and would round them
    org.nd4j.linalg.api.buffer.DataBuffer buffer = out.data();
    for (long i = 0; i < out.length(); i++) {
      if (FloatTypes.isFloating(type)) {
        double v = out.getDouble(i);
        double max = floatMax(type);
        out.putScalar(i, v < max ? v + 1 : max);
      } else if (type == DataType.UINT64) {
        long v = out.getLong(i);
        buffer.put(i, v == -1L ? v : v + 1);
      } else {
        long v = out.getLong(i);
        buffer.put(i, v < intMax(type) ? v + 1 : intMax(type));
      }
    }
    return out;
  }

  private static double floatMax(DataType type) {
    return switch (type) {
      case DOUBLE -> Double.MAX_VALUE;
      case FLOAT -> Float.MAX_VALUE;
      case HALF -> 65504.0;
      case BFLOAT16 -> 3.3895313892515355e38;
      default -> throw new IllegalArgumentException(String.valueOf(type));
    };
  }

  private static long intMax(DataType type) {
    return switch (type) {
      case BYTE -> Byte.MAX_VALUE;
      case SHORT -> Short.MAX_VALUE;
      case INT -> Integer.MAX_VALUE;
      case LONG -> Long.MAX_VALUE;
      case UBYTE -> 255L;
      case UINT16 -> 65535L;
      case UINT32 -> 4294967295L;
      default -> throw new IllegalArgumentException("safe_increment does not support " + FloatTypes.name(type));
    };
  }
}
