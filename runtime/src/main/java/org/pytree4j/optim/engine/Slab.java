package org.pytree4j.optim.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.optim.kernels.OffHeap;

/**
 * One block of off-heap float32 memory owned by the {@link SlabPool}: an ND4J buffer of its own, or
 * for a small one part of a {@link SlabChunks.Chunk}; never handed out itself (arrays over it are
 * made per leaf, see {@link LeafPointer}), freed only by the pool.
 */
final class Slab {
  /** The buffer the slab is, or null when it is cut from {@link #chunk}. */
  private final DataBuffer owner;
  private final SlabChunks.Chunk chunk;
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
    this.chunk = null;
    this.floats = floats;
    this.address = owner.address();
    this.bytes = 4L * floats <= Integer.MAX_VALUE ? owner.asNio().order(ByteOrder.nativeOrder()) : null;
  }

  private Slab(SlabChunks.Chunk chunk, int from, int floats) {
    this.owner = null;
    this.chunk = chunk;
    this.floats = floats;
    this.address = chunk.address + 4L * from;
    this.bytes = chunk.bytes(from, floats);
  }

  /** Uninitialized memory for {@code floats} elements. */
  static Slab allocate(int floats) {
    return new Slab(Nd4j.createBuffer(DataType.FLOAT, floats, false), floats);
  }

  /** Elements {@code from} to {@code from + floats} of {@code chunk}, which the slab keeps reachable. */
  static Slab cut(SlabChunks.Chunk chunk, int from, int floats) {
    return new Slab(chunk, from, floats);
  }

  /** The chunk the slab was cut from, or null when it is an ND4J buffer of its own. */
  SlabChunks.Chunk chunk() {
    return chunk;
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
    if (chunk != null) {
      chunk.release();
    } else {
      owner.close();
    }
  }
}
