package org.pytree4j.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.Flattened;
import org.pytree4j.FlattenedWithPath;
import org.pytree4j.PyTrees;

/** Seeded test data, central finite differences over a params tree, and leaf-by-leaf comparisons. */
final class GradAssertions {
  private GradAssertions() {}

  static INDArray randn(Random rng, DataType type, int rows, int cols) {
    double[][] values = new double[rows][cols];
    for (double[] row : values) {
      for (int c = 0; c < cols; c++) {
        row[c] = rng.nextGaussian();
      }
    }
    return Nd4j.create(values).castTo(type);
  }

  static INDArray randn(Random rng, DataType type, int length) {
    double[] values = new double[length];
    for (int i = 0; i < length; i++) {
      values[i] = rng.nextGaussian();
    }
    return Nd4j.createFromArray(values).castTo(type);
  }

  static INDArray oneHot(Random rng, DataType type, int rows, int classes) {
    double[][] values = new double[rows][classes];
    for (double[] row : values) {
      row[rng.nextInt(classes)] = 1;
    }
    return Nd4j.create(values).castTo(type);
  }

  /**
   * {@code (f(p + eps e_j) - f(p - eps e_j)) / (2 eps)} for every entry j of every leaf of {@code params}
   * (float64 leaves), as a tree of the params' structure.
   */
  static <P> P centralDifferences(ToDoubleFunction<P> f, P params, double eps) {
    Flattened flat = PyTrees.flatten(params);
    List<Object> grads = new ArrayList<>();
    for (int i = 0; i < flat.leaves().size(); i++) {
      INDArray leaf = (INDArray) flat.leaves().get(i);
      assertEquals(DataType.DOUBLE, leaf.dataType(), "finite differences need float64 params");
      INDArray grad = Nd4j.zeros(DataType.DOUBLE, leaf.shape());
      for (long j = 0; j < leaf.length(); j++) {
        double plus = f.applyAsDouble(perturbed(flat, i, j, eps));
        double minus = f.applyAsDouble(perturbed(flat, i, j, -eps));
        grad.putScalar(j, (plus - minus) / (2 * eps));
      }
      grads.add(grad);
    }
    return flat.treeDef().unflatten(grads);
  }

  private static <P> P perturbed(Flattened flat, int leafIndex, long entry, double delta) {
    List<Object> leaves = new ArrayList<>(flat.leaves());
    INDArray copy = ((INDArray) leaves.get(leafIndex)).dup('c');
    copy.putScalar(entry, copy.getDouble(entry) + delta);
    leaves.set(leafIndex, copy);
    return flat.treeDef().unflatten(leaves);
  }

  /**
   * Same structure, and per leaf the same shape and every entry within relative error {@code tol}:
   * {@code |a - e| <= tol * max(|a|, |e|, 1e-3)} (the floor keeps entries near zero to an absolute
   * error of {@code tol * 1e-3}).
   */
  static void assertTreesClose(Object expected, Object actual, double tol) {
    FlattenedWithPath e = PyTrees.flattenWithPath(expected);
    FlattenedWithPath a = PyTrees.flattenWithPath(actual);
    assertEquals(e.treeDef(), a.treeDef(), "structure");
    for (int i = 0; i < e.leaves().size(); i++) {
      String path = e.leaves().get(i).path().keystr();
      INDArray ex = (INDArray) e.leaves().get(i).leaf();
      INDArray ac = (INDArray) a.leaves().get(i).leaf();
      assertTrue(Arrays.equals(ex.shape(), ac.shape()),
          path + ": shape " + Arrays.toString(ac.shape()) + " != " + Arrays.toString(ex.shape()));
      double[] exValues = values(ex);
      double[] acValues = values(ac);
      for (int j = 0; j < exValues.length; j++) {
        double x = exValues[j];
        double y = acValues[j];
        double err = Math.abs(x - y) / Math.max(Math.max(Math.abs(x), Math.abs(y)), 1e-3);
        assertTrue(err <= tol, path + " entry " + j + ": expected " + x + " but got " + y + " (relative error " + err + ")");
      }
    }
  }

  /** The entries in row-major order, whatever the array's storage order. */
  static double[] values(INDArray a) {
    return a.dup('c').reshape(a.length()).toDoubleVector();
  }
}
