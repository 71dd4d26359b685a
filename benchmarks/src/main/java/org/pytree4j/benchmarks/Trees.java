package org.pytree4j.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.optim.StepEngine;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.pytree4j.PyTrees;

/** Params and gradient trees of a given size: {@code leaves} float32 vectors whose lengths add up to {@code total}. */
final class Trees {
  private Trees() {}

  /** {@code {'w00000': float32[n0], 'w00001': float32[n1], ...}}, standard normal values. */
  static SortedMap<String, INDArray> params(long total, int leaves, long seed) {
    Nd4j.getRandom().setSeed(seed);
    TreeMap<String, INDArray> tree = new TreeMap<>();
    for (int i = 0; i < leaves; i++) {
      long n = total * (i + 1) / leaves - total * i / leaves;
      tree.put(String.format("w%05d", i), Nd4j.randn(DataType.FLOAT, n));
    }
    return Collections.unmodifiableSortedMap(tree);
  }

  /** A gradient for every leaf of {@code params}: small normal values. */
  static SortedMap<String, INDArray> gradsLike(Map<String, INDArray> params, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return PyTrees.map((INDArray p) -> Nd4j.randn(DataType.FLOAT, p.shape()).muli(0.01), new TreeMap<>(params));
  }

  /**
   * The same gradients as {@link #gradsLike} (same seed, same values, same kind of map), but every leaf
   * a slice of one vector, in key order: DL4J's flattened gradient view. Only where the values lie
   * differs from {@link #gradsLike}, so the two cases compare reading slices with reading separate arrays.
   */
  static SortedMap<String, INDArray> gradsSlicedLike(Map<String, INDArray> params, long seed) {
    SortedMap<String, INDArray> separate = gradsLike(params, seed);
    long total = 0;
    for (INDArray g : separate.values()) {
      total += g.length();
    }
    INDArray flat = Nd4j.create(DataType.FLOAT, total);
    List<INDArray> slices = new ArrayList<>(separate.size());
    long at = 0;
    for (INDArray g : separate.values()) {
      long n = g.length();
      INDArray slice = flat.get(NDArrayIndex.interval(at, at + n));
      slice.assign(g);
      slices.add(slice);
      at += n;
    }
    return PyTrees.unflatten(PyTrees.structure(separate), slices);
  }

  /**
   * The same gradients as {@link #gradsLike}, each leaf one of the arrays {@code StepEngine.float32Arrays}
   * makes (one block in the fused step's layout), as {@code valueAndGrad} returns float32 gradients.
   */
  static SortedMap<String, INDArray> gradsLaidOutLike(Map<String, INDArray> params, long seed) {
    SortedMap<String, INDArray> separate = gradsLike(params, seed);
    List<long[]> shapes = new ArrayList<>(separate.size());
    for (INDArray g : separate.values()) {
      shapes.add(g.shape());
    }
    INDArray[] laidOut = StepEngine.defaultEngine().float32Arrays(shapes);
    int i = 0;
    for (INDArray g : separate.values()) {
      laidOut[i++].assign(g);
    }
    return PyTrees.unflatten(PyTrees.structure(separate), java.util.Arrays.asList(laidOut));
  }

  /** {@code "1000000:100"} -> {1000000, 100}. */
  static long[] parseCase(String c) {
    String[] parts = c.split(":");
    return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
  }
}
