package org.pytree4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.Flattened;
import org.pytree4j.FlattenedWithPath;
import org.pytree4j.PyTrees;

/** Central finite differences over a float64 params tree, compared leaf by leaf with computed gradients. */
final class FiniteDifferences {
  private FiniteDifferences() {}

  static INDArray randn(Random rng, long... shape) {
    long length = 1;
    for (long d : shape) {
      length *= d;
    }
    double[] values = new double[(int) length];
    for (int i = 0; i < values.length; i++) {
      values[i] = rng.nextGaussian();
    }
    return Nd4j.create(values, shape, 'c');
  }

  /** Asserts {@code grads} equals the central differences of {@code f} at {@code params}, entry by entry. */
  static <P> void assertGradientsMatch(ToDoubleFunction<P> f, P params, P grads, double eps, double tol) {
    Flattened flat = PyTrees.flatten(params);
    FlattenedWithPath computed = PyTrees.flattenWithPath(grads);
    assertEquals(flat.treeDef(), computed.treeDef(), "gradients have the params' structure");
    for (int i = 0; i < flat.leaves().size(); i++) {
      INDArray leaf = (INDArray) flat.leaves().get(i);
      INDArray grad = (INDArray) computed.leaves().get(i).leaf();
      String path = computed.leaves().get(i).path().keystr();
      for (long j = 0; j < leaf.length(); j++) {
        double plus = f.applyAsDouble(perturbed(flat, i, j, eps));
        double minus = f.applyAsDouble(perturbed(flat, i, j, -eps));
        double expected = (plus - minus) / (2 * eps);
        double actual = grad.getDouble(j);
        double err = Math.abs(expected - actual) / Math.max(Math.max(Math.abs(expected), Math.abs(actual)), 1e-3);
        assertTrue(err <= tol, path + " entry " + j + ": finite differences " + expected + ", gradient " + actual
            + " (relative error " + err + ")");
      }
    }
  }

  private static <P> P perturbed(Flattened flat, int leafIndex, long entry, double delta) {
    List<Object> leaves = new ArrayList<>(flat.leaves());
    INDArray copy = ((INDArray) leaves.get(leafIndex)).dup('c');
    copy.putScalar(entry, copy.getDouble(entry) + delta);
    leaves.set(leafIndex, copy);
    return flat.treeDef().unflatten(leaves);
  }
}
