package org.pytree4j.optim.engine;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link Slab} lent out for the arrays of one output tree. Every array made over it refers to
 * this object (through its {@link LeafPointer}), so the slab goes back to the pool only once none
 * of those arrays, nor any view of them, can be reached.
 */
final class Lease {
  final Slab slab;
  /** The native views of the buffers made over the slab ({@link NativeViews}), kept with it when it comes back. */
  final NativeViews.Owned natives;
  /**
   * The leaf arrays the latest step made over this slab, so that the next step recognises them
   * without reading each one's buffer ({@link LeafScan}). It refers back to arrays that refer to
   * this lease: a cycle, which the collector frees as a whole.
   */
  volatile LeafArrays made;

  Lease(Slab slab, EngineCounters counters) {
    this.slab = slab;
    this.natives = new NativeViews.Owned(counters);
  }

  /** Leaf {@code i} is {@code arrays[i]}, over {@code data[i]}, made with {@code shapes[i]}, from element {@code starts[i]}. */
  record LeafArrays(INDArray[] arrays, DataBuffer[] data, ArrayShells.ShapeInfo[] shapes, int[] starts) {}
}
