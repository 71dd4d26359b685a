package org.pytree4j.parallel;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.Dtypes;

/**
 * The leaves of a tree laid end to end, one flat run per data type (in leaf order), copied in and
 * out of a flat buffer piece by piece: {@code jax.flatten_util.ravel_pytree} without the big
 * allocation. A leaf that is a view or not in C order is copied once to a contiguous array.
 */
final class TreeLayout {
  /** The leaves of one data type. {@code starts[k]} is leaf {@code leaves[k]}'s first element in the run. */
  record Group(DataType dtype, int[] leaves, long[] starts, long elements) {
    int bytesPerElement() {
      return FloatKernels.bytesPer(dtype);
    }
  }

  private final INDArray[] arrays;
  private final ByteBuffer[] sources;
  private final List<Group> groups;

  private TreeLayout(INDArray[] arrays, List<Group> groups) {
    this.arrays = arrays;
    this.sources = new ByteBuffer[arrays.length];
    this.groups = groups;
  }

  /**
   * Checks that every leaf is a float32 or float64 INDArray of under 2 GiB.
   *
   * @param pathOf the key path of leaf {@code i}, for messages
   * @throws IllegalArgumentException naming the key path of the first leaf that is not
   */
  static TreeLayout of(List<Object> leaves, IntFunction<String> pathOf, String op) {
    INDArray[] arrays = new INDArray[leaves.size()];
    Map<DataType, List<Integer>> byType = new LinkedHashMap<>();
    for (int i = 0; i < arrays.length; i++) {
      Object leaf = leaves.get(i);
      if (!(leaf instanceof INDArray a)) {
        throw new IllegalArgumentException(op + " reduces float32 and float64 INDArray leaves, but the leaf at "
            + pathOf.apply(i) + " is " + (leaf == null ? "null" : "a " + leaf.getClass().getName()));
      }
      DataType t = a.dataType();
      if (t != DataType.FLOAT && t != DataType.DOUBLE) {
        throw new IllegalArgumentException(op + " reduces float32 and float64 INDArray leaves, but the leaf at "
            + pathOf.apply(i) + " is " + TreeSignature.kind(a) + "; cast it, or leave it out of the tree");
      }
      if (a.length() * t.width() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(op + " reduces leaves of under 2 GiB, but the leaf at " + pathOf.apply(i)
            + " is " + TreeSignature.kind(a) + "; split it into several leaves");
      }
      arrays[i] = a;
      byType.computeIfAbsent(t, k -> new ArrayList<>()).add(i);
    }
    List<Group> groups = new ArrayList<>();
    for (Map.Entry<DataType, List<Integer>> e : byType.entrySet()) {
      int[] idx = e.getValue().stream().mapToInt(Integer::intValue).toArray();
      long[] starts = new long[idx.length];
      long total = 0;
      for (int k = 0; k < idx.length; k++) {
        starts[k] = total;
        total += arrays[idx[k]].length();
      }
      groups.add(new Group(e.getKey(), idx, starts, total));
    }
    return new TreeLayout(arrays, groups);
  }

  List<Group> groups() {
    return groups;
  }

  /** Fresh contiguous arrays shaped like the leaves, for a result the caller owns. */
  INDArray[] freshTargets() {
    INDArray[] out = new INDArray[arrays.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Nd4j.createUninitialized(arrays[i].dataType(), arrays[i].shape(), 'c');
    }
    return out;
  }

  /** The leaves themselves, or a contiguous stand-in for a leaf that is not; see {@link #finishInPlace}. */
  INDArray[] inPlaceTargets() {
    INDArray[] out = new INDArray[arrays.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = LeafBytes.of(arrays[i]) != null ? arrays[i] : Nd4j.createUninitialized(arrays[i].dataType(), arrays[i].shape(), 'c');
    }
    return out;
  }

  /** Copies the stand-ins of {@link #inPlaceTargets} into their leaves. */
  void finishInPlace(INDArray[] targets) {
    for (int i = 0; i < targets.length; i++) {
      if (targets[i] != arrays[i]) {
        arrays[i].assign(targets[i]);
      }
    }
  }

  /** Copies elements {@code [from, from + count)} of the group's run into {@code dst} from byte 0. */
  void gather(Group g, long from, int count, ByteBuffer dst) {
    int width = g.bytesPerElement();
    forEachSpan(g, from, count, (leaf, leafOffset, bufferOffset, n) ->
        dst.put(bufferOffset * width, source(leaf), (int) leafOffset * width, n * width));
  }

  /** Copies {@code src} from byte 0 into elements {@code [from, from + count)} of the targets. */
  void scatter(Group g, long from, int count, ByteBuffer src, INDArray[] targets) {
    int width = g.bytesPerElement();
    forEachSpan(g, from, count, (leaf, leafOffset, bufferOffset, n) ->
        LeafBytes.of(targets[leaf]).put((int) leafOffset * width, src, bufferOffset * width, n * width));
  }

  private ByteBuffer source(int leaf) {
    ByteBuffer b = sources[leaf];
    if (b == null) {
      b = LeafBytes.of(arrays[leaf]);
      if (b == null) {
        b = LeafBytes.of(arrays[leaf].dup('c'));
      }
      sources[leaf] = b;
    }
    return b;
  }

  private interface Span {
    void copy(int leaf, long leafOffset, int bufferOffset, int count);
  }

  private static void forEachSpan(Group g, long from, int count, Span span) {
    int k = java.util.Arrays.binarySearch(g.starts(), from);
    if (k < 0) {
      k = -k - 2;
    }
    long end = from + count;
    long position = from;
    while (position < end) {
      long leafStart = g.starts()[k];
      long leafEnd = k + 1 < g.starts().length ? g.starts()[k + 1] : g.elements();
      int n = (int) (Math.min(leafEnd, end) - position);
      if (n > 0) {
        span.copy(g.leaves()[k], position - leafStart, (int) (position - from), n);
      }
      position += n;
      k++;
    }
  }

  static String typeName(DataType t) {
    return Dtypes.numpyName(t);
  }
}
