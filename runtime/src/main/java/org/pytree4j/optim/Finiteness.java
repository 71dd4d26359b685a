package org.pytree4j.optim;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * Counts the Infs and NaNs of a tree's arrays, reading float32 memory where it lies (no copy), for
 * {@code apply_if_finite} and {@code MultiSteps}' {@code skip_not_finite}.
 */
final class Finiteness {
  private static final int CHUNK = 4096;

  private Finiteness() {}

  /** True when every element of every array leaf of {@code tree} is finite (None leaves have none). */
  static boolean allFinite(Object tree) {
    for (Object leaf : UpdateTrees.NONE_IS_LEAF.leaves(tree)) {
      if (leaf instanceof INDArray a && notFinite(a, true) > 0) {
        return false;
      }
    }
    return true;
  }

  /** How many elements of the array leaves of {@code tree} are Inf or NaN. */
  static long countNotFinite(Object tree) {
    long count = 0;
    for (Object leaf : UpdateTrees.NONE_IS_LEAF.leaves(tree)) {
      if (leaf instanceof INDArray a) {
        count += notFinite(a, false);
      }
    }
    return count;
  }

  /** The Infs and NaNs of {@code a}; with {@code firstOnly}, 0 or 1. */
  private static long notFinite(INDArray a, boolean firstOnly) {
    if (a.isEmpty()) {
      return 0;
    }
    if (a.dataType() != DataType.FLOAT) {
      long count = 0;
      for (double x : LeafBuffers.read(a)) {
        if (!Double.isFinite(x)) {
          count++;
          if (firstOnly) {
            return 1;
          }
        }
      }
      return count;
    }
    INDArray c = a;
    if (a.ordering() != 'c' || !Shape.hasDefaultStridesForShape(a) || a.data().length() < a.offset() + a.length()) {
      c = a.dup('c');
    }
    FloatBuffer buffer = c.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    int start = (int) c.offset();
    int n = (int) c.length();
    float[] chunk = new float[Math.min(CHUNK, n)];
    long count = 0;
    for (int at = 0; at < n; at += chunk.length) {
      int m = Math.min(chunk.length, n - at);
      buffer.get(start + at, chunk, 0, m);
      int bad = 0;
      for (int i = 0; i < m; i++) {
        bad += Float.isFinite(chunk[i]) ? 0 : 1;
      }
      count += bad;
      if (firstOnly && count > 0) {
        return 1;
      }
    }
    return count;
  }
}
