package org.pytree4j.optim;

import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a fused step needs to know about each leaf of one tree, gathered level by level: every
 * array, then every array's buffer, then every buffer's pointer. In a tree of many small leaves
 * each of these objects is a cache miss; a short loop over one level lets the CPU wait for many
 * misses at once, where one loop following each leaf's chain of objects waits for them one by one.
 */
final class LeafScan {
  final INDArray[] arrays;
  final DataBuffer[] data;
  final DataBuffer[] shapeInfo;
  /** The native address of each leaf's shape descriptor. */
  private final long[] shapeInfoAddress;
  /** The address of element 0 of each leaf, as its buffer places it (its pointer plus its offset). */
  final long[] address;
  /** Each leaf's pointer when it is one of the pool's leaf arrays, else null ({@link #ownLeaf}). */
  final LeafPointer[] pointers;
  /** True when some leaf was donated or closed. */
  final boolean anyReleased;
  /** True when every leaf can be released after a donating step ({@link Donation#canRelease}). */
  final boolean releasable;

  private LeafScan(INDArray[] arrays, DataBuffer[] data, DataBuffer[] shapeInfo, long[] shapeInfoAddress,
      long[] address, LeafPointer[] pointers, boolean anyReleased, boolean releasable) {
    this.arrays = arrays;
    this.data = data;
    this.shapeInfo = shapeInfo;
    this.shapeInfoAddress = shapeInfoAddress;
    this.address = address;
    this.pointers = pointers;
    this.anyReleased = anyReleased;
    this.releasable = releasable;
  }

  /** The scan of {@code leaves}, or null when one of them is not an {@link INDArray}. */
  static LeafScan of(List<Object> leaves) {
    int n = leaves.size();
    INDArray[] arrays = new INDArray[n];
    DataBuffer[] data = new DataBuffer[n];
    DataBuffer[] shapeInfo = new DataBuffer[n];
    boolean releasable = true;
    for (int i = 0; i < n; i++) {
      if (!(leaves.get(i) instanceof INDArray a)) {
        return null;
      }
      arrays[i] = a;
      data[i] = a.data();
      if (data[i] == null) {
        return null;
      }
      shapeInfo[i] = a.shapeInfoDataBuffer();
      releasable &= Donation.canRelease(a);
    }
    boolean anyReleased = false;
    Pointer[] raw = new Pointer[n];
    Pointer[] rawShapeInfo = new Pointer[n];
    long[] offsets = new long[n];
    for (int i = 0; i < n; i++) {
      rawShapeInfo[i] = shapeInfo[i].pointer();
      if (arrays[i].wasClosed()) {
        anyReleased = true;
      } else {
        raw[i] = data[i].pointer();
        offsets[i] = data[i].offset();
      }
    }
    long[] address = new long[n];
    long[] shapeInfoAddress = new long[n];
    LeafPointer[] pointers = new LeafPointer[n];
    for (int i = 0; i < n; i++) {
      shapeInfoAddress[i] = rawShapeInfo[i].address();
      Pointer p = raw[i];
      if (p != null) {
        address[i] = p.address() + 4L * offsets[i];
        if (p instanceof LeafPointer lp && shapeInfo[i] == lp.shape.buffer()) {
          pointers[i] = lp;
        }
      }
    }
    return new LeafScan(arrays, data, shapeInfo, shapeInfoAddress, address, pointers, anyReleased, releasable);
  }

  int size() {
    return arrays.length;
  }

  /** Leaf {@code i}'s pointer when it is one of the leaf arrays the pool's steps make, with {@code shape}. */
  LeafPointer ownLeaf(int i, ArrayShells.ShapeInfo shape) {
    LeafPointer lp = pointers[i];
    return lp != null && lp.shape == shape ? lp : null;
  }

  /** True when leaf {@code i} is a float32 C-order array of exactly {@code shape} with default strides. */
  boolean hasDescriptor(int i, ArrayShells.ShapeInfo shape) {
    return shapeInfo[i] == shape.buffer() || shapeInfoAddress[i] == shape.address();
  }

  /** Keeps the arrays' buffers reachable (their memory is read by address) until this point. */
  void keepAlive() {
    java.lang.ref.Reference.reachabilityFence(data);
  }
}
