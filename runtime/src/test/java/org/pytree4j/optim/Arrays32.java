package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.PyTrees;

/** Small array and tree helpers for the optimizer tests. */
public final class Arrays32 {
  private Arrays32() {}

  /** A float32 array of {@code shape} holding {@code values} (C order). */
  public static INDArray f32(double[] values, long... shape) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return Nd4j.create(f, shape, 'c');
  }

  /** A 1-D float32 array. */
  public static INDArray vec(double... values) {
    return f32(values, values.length);
  }

  /** A rank-0 float32 array. */
  public static INDArray scalar(double value) {
    return f32(new double[] {value});
  }

  public static INDArray full(double value, DataType dtype, long... shape) {
    return Nd4j.zeros(dtype, shape).addi(value);
  }

  /** Uniform values in [-scale, scale), deterministic for {@code random}. */
  public static INDArray random(Random random, double scale, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    double[] v = new double[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (random.nextDouble() * 2 - 1) * scale;
    }
    return f32(v, shape);
  }

  /** A tree like {@code tree} whose every array leaf is {@link #random} values of its shape (gradients for it). */
  public static <T> T randomLike(Random random, T tree) {
    return PyTrees.map((INDArray a) -> random(random, 1, a.shape()), tree);
  }

  /** The elements of an array as doubles, C order. */
  public static double[] values(INDArray a) {
    return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
  }

  /** The array leaves of a tree as double arrays, in flatten order (None leaves skipped). */
  public static List<double[]> leafValues(Object tree) {
    List<double[]> out = new ArrayList<>();
    for (Object leaf : PyTrees.leaves(tree)) {
      out.add(values((INDArray) leaf));
    }
    return out;
  }

  /** Same structure and, leaf by leaf, |a - e| <= rtol * max(|e|, floor). */
  public static void assertTreeClose(Object expected, Object actual, double rtol, double floor, String what) {
    assertEquals(PyTrees.structure(expected), PyTrees.structure(actual), what + ": structure");
    List<Object> e = PyTrees.leaves(expected);
    List<Object> a = PyTrees.leaves(actual);
    for (int i = 0; i < e.size(); i++) {
      if (e.get(i) instanceof INDArray ea) {
        INDArray aa = (INDArray) a.get(i);
        assertArrayEquals(ea.shape(), aa.shape(), what + ": shape of leaf " + i);
        assertClose(values(ea), values(aa), rtol, floor, what + " leaf " + i);
      } else {
        assertEquals(e.get(i), a.get(i), what + ": leaf " + i);
      }
    }
  }

  /**
   * Leaf-wise relative error: every |a - e| <= rtol * max|e| (the largest magnitude in the leaf), the
   * measure that float32 rounding of values near zero does not blow up.
   */
  public static void assertLeafClose(double[] expected, double[] actual, double rtol, String what) {
    double scale = 0;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    assertClose(expected, actual, rtol, scale, what);
  }

  /** |a - e| <= rtol * max(|e|, floor) elementwise. */
  public static void assertClose(double[] expected, double[] actual, double rtol, double floor, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double tol = rtol * Math.max(Math.abs(expected[i]), floor);
      if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
        throw new AssertionError(what + ": element " + i + " is " + actual[i] + " but the reference is " + expected[i]
            + " (relative error " + Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor)
            + " > " + rtol + ")");
      }
    }
  }

  /** Same structure, and every array leaf has the same dtype, shape and bits; other leaves are equal. */
  public static void assertSameBits(Object expected, Object actual, String what) {
    assertEquals(PyTrees.structure(expected), PyTrees.structure(actual), what + ": structure");
    List<Object> e = PyTrees.leaves(expected);
    List<Object> a = PyTrees.leaves(actual);
    for (int i = 0; i < e.size(); i++) {
      if (e.get(i) instanceof INDArray ea) {
        INDArray aa = (INDArray) a.get(i);
        assertEquals(ea.dataType(), aa.dataType(), what + " leaf " + i + " dtype");
        assertArrayEquals(ea.shape(), aa.shape(), what + " leaf " + i + " shape");
        double[] ev = values(ea);
        double[] av = values(aa);
        for (int k = 0; k < ev.length; k++) {
          if (Double.doubleToLongBits(ev[k]) != Double.doubleToLongBits(av[k])) {
            throw new AssertionError(what + " leaf " + i + " element " + k + ": expected " + ev[k] + " but was " + av[k]);
          }
        }
      } else {
        assertEquals(e.get(i), a.get(i), what + " leaf " + i);
      }
    }
  }
}
