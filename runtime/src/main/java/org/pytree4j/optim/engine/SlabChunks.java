package org.pytree4j.optim.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Small slabs cut from larger ND4J buffers. A fresh ND4J buffer costs some microseconds whatever its
 * size (the allocation, the registration with ND4J's deallocator, its NIO view): for a small model,
 * whose steps lease a few hundred floats three times a step and get them back only after the JVM's
 * own collections, thousands of steps apart, that was a quarter of the step while the pool had no
 * free slab. A chunk's memory goes back to the system once no more slabs are cut from it and every
 * slab cut from it has been freed: a small slab kept alive keeps its chunk's {@value #CHUNK_FLOATS}
 * floats. Used under its pool's lock.
 */
final class SlabChunks {
  /** Slabs of up to this many floats are cut from chunks; larger ones are ND4J buffers of their own. */
  static final int MAX_CUT_FLOATS = 4096;
  static final int CHUNK_FLOATS = 1 << 14;
  /** Slabs start 64 bytes apart, as the vector kernels read in lines. */
  private static final int ALIGN_FLOATS = 16;

  private Chunk current;

  /** Uninitialized memory for {@code floats} (at most {@link #MAX_CUT_FLOATS}) elements. */
  Slab cut(int floats) {
    int size = (floats + ALIGN_FLOATS - 1) & -ALIGN_FLOATS;
    if (current == null || current.used + size > CHUNK_FLOATS) {
      retire();
      current = new Chunk(Nd4j.createBuffer(DataType.FLOAT, CHUNK_FLOATS, false));
    }
    Slab slab = Slab.cut(current, current.used, floats);
    current.used += size;
    current.live++;
    return slab;
  }

  /** Cuts no more from the current chunk, which is freed now if none of its slabs is left. */
  void retire() {
    if (current != null) {
      current.retired = true;
      current.freeIfDone();
      current = null;
    }
  }

  /** One ND4J buffer that slabs are cut from. */
  static final class Chunk {
    private final DataBuffer owner;
    final long address;
    private final ByteBuffer bytes;
    private int used;
    private int live;
    private boolean retired;

    private Chunk(DataBuffer owner) {
      this.owner = owner;
      this.address = owner.address();
      this.bytes = owner.asNio().order(ByteOrder.nativeOrder());
    }

    /** Elements {@code from} to {@code from + floats} as a NIO buffer in native order. */
    ByteBuffer bytes(int from, int floats) {
      return bytes.slice(4 * from, 4 * floats).order(ByteOrder.nativeOrder());
    }

    /** One of its slabs was freed. */
    void release() {
      live--;
      freeIfDone();
    }

    /** Whether its memory went back to the system. */
    boolean freed() {
      return owner.wasClosed();
    }

    private void freeIfDone() {
      if (retired && live == 0) {
        owner.close();
      }
    }
  }
}
