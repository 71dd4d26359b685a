package org.pytree4j.optim.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pytree4j.optim.kernels.OffHeap;

/** Small slabs are cut from shared chunks, apart from each other, and a chunk is freed with its last slab. */
class SlabChunksTest {
  @Test
  void smallSlabsAreCutApartFromOneChunk() {
    SlabChunks chunks = new SlabChunks();
    Slab a = chunks.cut(162);
    Slab b = chunks.cut(1);
    Slab c = chunks.cut(SlabChunks.MAX_CUT_FLOATS);
    assertSame(a.chunk(), b.chunk());
    assertSame(a.chunk(), c.chunk());
    assertEquals(a.address + 4L * 176, b.address, "162 floats rounded up to 64 bytes");
    assertEquals(b.address + 64, c.address);
    assertEquals(4 * 162, a.bytes.capacity());
    OffHeap.write(new float[] {1f, 2f}, 0, a.address + 4L * 160, 2);
    OffHeap.write(new float[] {3f}, 0, b.address, 1);
    float[] read = new float[3];
    OffHeap.read(a.address + 4L * 160, read, 0, 2);
    OffHeap.read(b.address, read, 2, 1);
    assertArrayEquals(new float[] {1f, 2f, 3f}, read);
    assertEquals(2f, a.bytes.getFloat(4 * 161), "the slab's NIO buffer is its own part of the chunk, in native order");
    assertEquals(3f, b.bytes.getFloat(0));
  }

  @Test
  void aFullChunkIsFreedWithItsLastSlab() {
    SlabChunks chunks = new SlabChunks();
    List<Slab> first = new ArrayList<>();
    for (int at = 0; at < SlabChunks.CHUNK_FLOATS; at += 1024) {
      first.add(chunks.cut(1024));
    }
    Slab next = chunks.cut(1024);
    SlabChunks.Chunk full = first.get(0).chunk();
    assertTrue(next.chunk() != full, "a new chunk once the first is used up");
    for (Slab slab : first) {
      assertFalse(full.freed(), "a slab cut from it is still there");
      slab.free();
    }
    assertTrue(full.freed());
    assertFalse(next.chunk().freed(), "the chunk slabs are still cut from stays");
    next.free();
    assertFalse(next.chunk().freed());
    chunks.retire();
    assertTrue(next.chunk().freed(), "retired with none of its slabs left");
  }

  @Test
  void aClosedPoolCutsNoMoreAndLargeSlabsAreBuffersOfTheirOwn() {
    SlabPool pool = new SlabPool(1L << 20, new EngineCounters());
    Lease small = pool.lease(100);
    assertNotNull(small.slab.chunk());
    assertNull(pool.lease(SlabChunks.MAX_CUT_FLOATS + 1).slab.chunk());
    pool.close();
    assertFalse(small.slab.chunk().freed(), "a lent slab stays valid after close");
    assertNull(pool.lease(100).slab.chunk(), "after close, new memory of its own");
  }
}
