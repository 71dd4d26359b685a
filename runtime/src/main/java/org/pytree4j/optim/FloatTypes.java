package org.pytree4j.optim;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The floating-point dtypes leaves may have, their numpy names, and JAX's promotion between them. */
final class FloatTypes {
  private FloatTypes() {}

  static boolean isFloating(DataType type) {
    return type == DataType.FLOAT || type == DataType.DOUBLE || type == DataType.HALF || type == DataType.BFLOAT16;
  }

  /** JAX's result type of an operation on two floating dtypes: the wider; float16 with bfloat16 is float32. */
  static DataType promote(DataType a, DataType b) {
    if (a == b) {
      return a;
    }
    return a == DataType.DOUBLE || b == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
  }

  /** numpy's name: {@code float32}, {@code bfloat16} ... */
  static String name(DataType type) {
    return org.pytree4j.Dtypes.numpyName(type);
  }

  /** {@code float32[2, 3]}. */
  static String describe(INDArray array) {
    return name(array.dataType()) + Arrays.toString(array.shape());
  }

  /** A value as error messages show it: {@code float32[2, 3]}, {@code None}, {@code Integer 3}. */
  static String describeValue(Object value) {
    if (value == null) {
      return "None (null)";
    }
    if (value instanceof INDArray array) {
      return describe(array);
    }
    if (value instanceof Number || value instanceof Boolean || value instanceof CharSequence) {
      return value.getClass().getSimpleName() + " " + value;
    }
    return value.getClass().getName();
  }

  /** Accepts {@code FLOAT} or {@code DOUBLE} (the dtypes hyperparameters may be stored in). */
  static DataType requireHyperparamDtype(DataType dtype) {
    if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) {
      throw new IllegalArgumentException(
          "hyperparameters are stored as float32 (DataType.FLOAT) or float64 (DataType.DOUBLE), not " + dtype);
    }
    return dtype;
  }

  /** Accepts null (keep the dtype the computation gives) or a floating dtype. */
  static DataType requireFloatingOrNull(DataType dtype, String what) {
    if (dtype != null && !isFloating(dtype)) {
      throw new IllegalArgumentException(what + " must be a floating-point dtype (FLOAT, DOUBLE, HALF, BFLOAT16) or null, not " + dtype);
    }
    return dtype;
  }
}
