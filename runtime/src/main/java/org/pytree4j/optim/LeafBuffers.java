package org.pytree4j.optim;

import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves one leaf between an {@link INDArray} and a Java array in C order, where the transformations'
 * per-leaf arithmetic runs: a {@code float[]} when every array of the operation is float32 (the
 * arithmetic is then float32, as in Optax), otherwise a {@code double[]} (float64 arithmetic, each
 * result rounded once to the dtype it is stored in). Never writes into an existing array.
 */
final class LeafBuffers {
  private LeafBuffers() {}

  /** The elements of {@code array} in C order, as doubles (a copy). */
  static double[] read(INDArray array) {
    if (array.isEmpty()) {
      return new double[0];
    }
    INDArray c = array;
    if (array.isView() || array.ordering() != 'c' || array.data().length() != array.length()) {
      c = array.dup('c');
    }
    int n = (int) c.length();
    switch (c.dataType()) {
      case DOUBLE: {
        double[] out = new double[n];
        c.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer().get(out);
        return out;
      }
      case FLOAT: {
        float[] f = new float[n];
        c.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().get(f);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
          out[i] = f[i];
        }
        return out;
      }
      default:
        return c.data().asDouble();
    }
  }

  /** True when every array is float32: the operation then runs in float32 ({@link #readFloats}). */
  static boolean allFloat32(INDArray... arrays) {
    for (INDArray a : arrays) {
      if (a.dataType() != DataType.FLOAT) {
        return false;
      }
    }
    return true;
  }

  /** The elements of a float32 {@code array} in C order (a copy). */
  static float[] readFloats(INDArray array) {
    if (array.isEmpty()) {
      return new float[0];
    }
    INDArray c = array;
    if (array.ordering() != 'c' || !Shape.hasDefaultStridesForShape(array) || array.data().length() < array.length()) {
      c = array.dup('c');
    }
    float[] out = new float[(int) c.length()];
    c.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().get((int) c.offset(), out);
    return out;
  }

  /** A new float32 array of {@code shape} holding {@code values} (C order). */
  static INDArray writeFloats(float[] values, long[] shape) {
    if (values.length == 0) {
      return Nd4j.create(DataType.FLOAT, shape);
    }
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
    out.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(values);
    return out;
  }

  /** A new array of {@code shape} and {@code dtype} holding {@code values} (C order), each rounded once. */
  static INDArray write(double[] values, long[] shape, DataType dtype) {
    if (values.length == 0) {
      return Nd4j.create(dtype, shape);
    }
    switch (dtype) {
      case DOUBLE: {
        INDArray out = Nd4j.createUninitialized(DataType.DOUBLE, shape, 'c');
        out.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer().put(values);
        return out;
      }
      case FLOAT: {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        out.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(toFloats(values));
        return out;
      }
      case HALF:
      case BFLOAT16:
        return Nd4j.create(toFloats(values), shape, 'c').castTo(dtype);
      default:
        throw new IllegalArgumentException("not a floating-point dtype: " + dtype);
    }
  }

  /** Zeros of {@code like}'s shape in {@code dtype} (or {@code like}'s dtype when null). */
  static INDArray zerosLike(INDArray like, DataType dtype) {
    return Nd4j.zeros(dtype == null ? like.dataType() : dtype, like.shape());
  }

  private static float[] toFloats(double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return f;
  }
}
