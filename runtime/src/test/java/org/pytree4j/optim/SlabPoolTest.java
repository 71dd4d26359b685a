package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** A slab comes back only when no array made over it, nor any view of one, can be reached. */
class SlabPoolTest {

  /** Leaf array {@code index} of {@code lease} (of {@code count}, made as a step makes them). */
  private static INDArray leafArray(Lease lease, int index, int count, int offset, long... shape) {
    if (index == 0 && NativeViews.AVAILABLE) {
      lease.natives.reserve(count);
    }
    ArrayShells.ShapeInfo info = ArrayShells.float32(shape);
    return ArrayShells.wrap(NativeViews.leafBuffer(new LeafPointer(lease, offset, info), index), info);
  }

  /** Collects until {@code gone} is cleared and {@code pool} has taken back what was found unreachable. */
  private static void collect(SlabPool pool, WeakReference<?> gone) throws InterruptedException {
    for (int i = 0; i < 50 && gone.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    for (int i = 0; i < 5; i++) {
      Thread.sleep(10);
      pool.freeBytes();
    }
  }

  @Test
  void aSlabIsReusedOnceItsArraysAreGone() throws InterruptedException {
    SlabPool pool = new SlabPool(1L << 20);
    Lease first = pool.lease(1000);
    long address = first.slab.address;
    INDArray a = leafArray(first, 0, 1, 10, 2, 3);
    a.assign(7f);
    assertEquals(7f, a.getFloat(1, 2));
    WeakReference<Lease> gone = new WeakReference<>(first);
    first = null;
    a = null;
    collect(pool, gone);
    Lease second = null;
    for (int i = 0; i < 50 && (second == null || second.slab.address != address); i++) {
      Thread.sleep(10);
      second = pool.lease(1000);
    }
    assertEquals(address, second.slab.address, "the slab came back");
    assertTrue(pool.reused() >= 1);
  }

  @Test
  void aViewKeepsItsSlabLent() throws InterruptedException {
    SlabPool pool = new SlabPool(1L << 20);
    Lease lease = pool.lease(500);
    long address = lease.slab.address;
    INDArray a = leafArray(lease, 0, 1, 0, 5, 100);
    a.assign(3f);
    INDArray view = a.get(NDArrayIndex.point(4), NDArrayIndex.interval(10, 20));
    INDArray reshaped = a.reshape(500);
    lease = null;
    a = null;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(10);
    }
    Lease other = pool.lease(500);
    assertNotEquals(address, other.slab.address, "a slab seen by a live view is not lent again");
    OffHeap.write(new float[] {-1f}, 0, other.slab.address, 1);
    assertEquals(3f, view.getFloat(3));
    assertEquals(3f, reshaped.getFloat(499));
    assertEquals(8f, view.add(5f).getFloat(9), "a native op reads the view at its offset");
  }

  /**
   * The native views behind leaf arrays are freed with their slab, once none of the arrays can be
   * reached, also those of arrays closed before.
   */
  @Test
  void nativeViewsAreFreedWithTheirSlab() throws InterruptedException {
    assertTrue(NativeViews.AVAILABLE, "buffers are made without ND4J's deallocator on this backend");
    SlabPool pool = new SlabPool(1L << 20);
    Lease lease = pool.lease(300);
    long before = NativeViews.live();
    INDArray[] leaves = new INDArray[3];
    for (int i = 0; i < 3; i++) {
      leaves[i] = leafArray(lease, i, 3, 100 * i, 10, 10);
      leaves[i].assign(i + 1);
    }
    assertEquals(before + 3, NativeViews.live());
    assertEquals(300f, leaves[2].sumNumber().floatValue(), "a native op reads each leaf at its offset");
    float[] element = new float[1];
    OffHeap.read(lease.slab.address + 4L * 150, element, 0, 1);
    assertEquals(2f, element[0], "leaf 1 holds slab elements 100 to 199");
    leaves[1].close();
    WeakReference<Lease> gone = new WeakReference<>(lease);
    lease = null;
    leaves = null;
    collect(pool, gone);
    assertEquals(before, NativeViews.live(), "the three views were freed with the slab");
  }

  @Test
  void leafArraysAreOrdinaryArrays() {
    SlabPool pool = new SlabPool(1L << 20);
    Lease lease = pool.lease(64);
    INDArray a = leafArray(lease, 0, 1, 4, 3, 4);
    a.assign(Nd4j.arange(12).castTo(DataType.FLOAT).reshape(3, 4));
    assertEquals(false, a.isView());
    assertEquals(0, a.offset());
    assertEquals(12, a.data().length());
    assertEquals(66f, a.sumNumber().floatValue());
    float[] element = new float[1];
    OffHeap.read(lease.slab.address + 4L * (4 + 4), element, 0, 1);
    assertEquals(4f, element[0], "the array's element [1, 0] sits at slab offset 4 + 4");
    assertEquals(14f, a.dup().mmul(a.transpose()).getFloat(0, 0));
  }
}
