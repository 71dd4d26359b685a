package org.pytree4j.optim.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.optim.kernels.OffHeap;

/**
 * One block of off-heap float32 memory owned by the {@link SlabPool}: allocated by ND4J, never handed
 * out itself (arrays over it are made per leaf, see {@link LeafPointer}), freed only by the pool.
 */
final class Slab {
  private final DataBuffer owner;
  final long address;
  final int floats;
  /** The whole slab as a NIO buffer for the direct kernels, or null when it is too large for one. */
  final ByteBuffer bytes;
  /** While the slab is free: the native views its last lease made, for the next lease to reuse. */
  NativeViews.Owned idleViews;
  /** While the slab is free: its memory and that of its idle views. */
  long keptBytes;

  private Slab(DataBuffer owner, int floats) {
    this.owner = owner;
    this.floats = floats;
    this.address = owner.address();
    this.bytes = 4L * floats <= Integer.MAX_VALUE ? owner.asNio().order(ByteOrder.nativeOrder()) : null;
  }

  /** Uninitialized memory for {@code floats} elements. */
  static Slab allocate(int floats) {
    return new Slab(Nd4j.createBuffer(DataType.FLOAT, floats, false), floats);
  }

  long bytes() {
    return 4L * floats;
  }

  /** Sets every element to +0.0f. */
  void zero() {
    float[] zeros = new float[Math.min(floats, 1 << 16)];
    for (int at = 0; at < floats; at += zeros.length) {
      OffHeap.write(zeros, 0, address + 4L * at, Math.min(zeros.length, floats - at));
    }
  }

  /** Returns the memory to the system now; no array over it may be used afterwards. */
  void free() {
    if (idleViews != null) {
      idleViews.free();
      idleViews = null;
    }
    owner.close();
  }
}
