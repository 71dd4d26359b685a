package org.pytree4j.optim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;
import org.pytree4j.optim.kernels.OffHeap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** A slab comes back only when no array made over it, nor any view of one, can be reached. */
class SlabPoolTest {
  private final EngineCounters counters = new EngineCounters();
  private final ArrayShells shells = new ArrayShells();

  /** Leaf array {@code index} of {@code lease} (of {@code count}, made as a step makes them). */
  private INDArray leafArray(Lease lease, int index, int count, int offset, long... shape) {
    if (index == 0 && NativeViews.AVAILABLE) {
      lease.natives.reserve(count);
    }
    ArrayShells.ShapeInfo info = shells.float32(shape);
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
    SlabPool pool = new SlabPool(1L << 20, counters);
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
    SlabPool pool = new SlabPool(1L << 20, counters);
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
   * The native views behind leaf arrays stay with their slab when it comes back, and the next lease
   * of the slab reuses those of its leaves that lie where they did; never one whose array was closed,
   * which ND4J's close leaves unfit for use.
   */
  @Test
  void nativeViewsComeBackWithTheirSlabAndAreReused() throws InterruptedException {
    assumeTrue(Nd4jInternals.ALLOWED, Nd4jInternals.describe());
    assertTrue(NativeViews.AVAILABLE, "buffers are made without ND4J's deallocator on this backend");
    SlabPool pool = new SlabPool(1L << 20, counters);
    Lease lease = pool.lease(300);
    long address = lease.slab.address;
    long before = counters.viewsLive.sum();
    INDArray[] leaves = new INDArray[3];
    for (int i = 0; i < 3; i++) {
      leaves[i] = leafArray(lease, i, 3, 100 * i, 10, 10);
      leaves[i].assign(i + 1);
    }
    assertEquals(before + 3, counters.viewsLive.sum());
    assertEquals(300f, leaves[2].sumNumber().floatValue(), "a native op reads each leaf at its offset");
    float[] element = new float[1];
    OffHeap.read(lease.slab.address + 4L * 150, element, 0, 1);
    assertEquals(2f, element[0], "leaf 1 holds slab elements 100 to 199");
    leaves[1].close();
    WeakReference<Lease> gone = new WeakReference<>(lease);
    lease = null;
    leaves = null;
    collect(pool, gone);
    assertEquals(before + 3, counters.viewsLive.sum(), "the views came back with the slab");
    assertEquals(4 * 300 + 3 * 128, pool.freeBytes(), "the free slab and its views");

    Lease next = pool.lease(300);
    assertEquals(address, next.slab.address, "the slab is lent again");
    assertEquals(before + 2, counters.viewsLive.sum(), "the view of the closed array is freed");
    INDArray same = leafArray(next, 0, 3, 0, 10, 10);
    assertEquals(before + 2, counters.viewsLive.sum(), "leaf 0 lies where it did: its view is reused");
    INDArray closedBefore = leafArray(next, 1, 3, 100, 5, 20);
    INDArray moved = leafArray(next, 2, 3, 150, 10, 10);
    assertEquals(before + 3, counters.viewsLive.sum(), "new views for leaf 1 (closed before) and leaf 2 (moved; "
        + "its old view is freed)");
    same.assign(4f);
    closedBefore.assign(5f);
    moved.assign(6f);
    assertEquals(400f, same.sumNumber().floatValue());
    assertEquals(2 * 4f, same.get(NDArrayIndex.point(2), NDArrayIndex.interval(8, 10)).sumNumber().floatValue(),
        "a view of the array over a reused view");
    assertEquals(50 * 5f + 50 * 6f, closedBefore.sumNumber().floatValue(),
        "leaf 1 reads its own elements, the last 50 overwritten by leaf 2");
    assertEquals(5f + 6f, closedBefore.get(NDArrayIndex.point(2), NDArrayIndex.interval(9, 11)).sumNumber()
        .floatValue(), "elements 149 and 150, through a view of leaf 1");
    assertEquals(600f, moved.mul(1f).sumNumber().floatValue());
    OffHeap.read(next.slab.address + 4L * 249, element, 0, 1);
    assertEquals(6f, element[0]);
  }

  /**
   * Of the free slabs of a size, a lease for some number of leaves gets one whose last lease had as
   * many (a step's params and its moments under {@code flatten} differ), so that its views fit.
   */
  @Test
  void aLeaseGetsAFreeSlabWithAsManyLeafViews() throws InterruptedException {
    assumeTrue(Nd4jInternals.ALLOWED, Nd4jInternals.describe());
    assertTrue(NativeViews.AVAILABLE, "buffers are made without ND4J's deallocator on this backend");
    SlabPool pool = new SlabPool(1L << 20, counters);
    Lease manyLeaves = pool.lease(300, 3);
    Lease oneLeaf = pool.lease(300, 1);
    long many = manyLeaves.slab.address;
    long one = oneLeaf.slab.address;
    INDArray[] arrays = {leafArray(manyLeaves, 0, 3, 0, 100), leafArray(manyLeaves, 1, 3, 100, 100),
        leafArray(manyLeaves, 2, 3, 200, 100), leafArray(oneLeaf, 0, 1, 0, 300)};
    WeakReference<Lease> gone = new WeakReference<>(manyLeaves);
    WeakReference<Lease> alsoGone = new WeakReference<>(oneLeaf);
    manyLeaves = null;
    oneLeaf = null;
    arrays = null;
    collect(pool, gone);
    collect(pool, alsoGone);
    assertEquals(many, pool.lease(300, 3).slab.address);
    assertEquals(one, pool.lease(300, 3).slab.address, "another free slab of the size when none fits");
  }

  /** A view ND4J re-pointed (here by growing its buffer) is not reused either. */
  @Test
  void aViewNd4jGrewIsNotReused() throws InterruptedException {
    assumeTrue(Nd4jInternals.ALLOWED, Nd4jInternals.describe());
    assertTrue(NativeViews.AVAILABLE, "buffers are made without ND4J's deallocator on this backend");
    SlabPool pool = new SlabPool(1L << 20, counters);
    Lease lease = pool.lease(200);
    long before = counters.viewsLive.sum();
    INDArray grown = leafArray(lease, 0, 2, 0, 100);
    INDArray kept = leafArray(lease, 1, 2, 100, 100);
    grown.assign(1f);
    kept.assign(2f);
    grown.data().reallocate(300);
    assertEquals(before + 2, counters.viewsLive.sum());
    WeakReference<Lease> gone = new WeakReference<>(lease);
    lease = null;
    grown = null;
    kept = null;
    collect(pool, gone);
    Lease next = pool.lease(200, 2);
    assertEquals(before + 1, counters.viewsLive.sum(), "the grown view is freed when the slab is lent again");
    INDArray first = leafArray(next, 0, 2, 0, 100);
    INDArray second = leafArray(next, 1, 2, 100, 100);
    assertEquals(before + 2, counters.viewsLive.sum(), "a new view for leaf 0, leaf 1's reused");
    first.assign(3f);
    assertEquals(300f, first.sumNumber().floatValue());
    assertEquals(200f, second.sumNumber().floatValue(), "leaf 1 kept its elements");
    float[] element = new float[1];
    OffHeap.read(next.slab.address + 4L * 99, element, 0, 1);
    assertEquals(3f, element[0], "leaf 0's new view writes the slab");
  }

  /** A slab the pool does not keep (here, over its budget) is freed with its native views. */
  @Test
  void nativeViewsAreFreedWithTheirSlab() throws InterruptedException {
    assumeTrue(Nd4jInternals.ALLOWED, Nd4jInternals.describe());
    assertTrue(NativeViews.AVAILABLE, "buffers are made without ND4J's deallocator on this backend");
    SlabPool pool = new SlabPool(1000, counters);
    Lease lease = pool.lease(300);
    long before = counters.viewsLive.sum();
    INDArray[] leaves = new INDArray[3];
    for (int i = 0; i < 3; i++) {
      leaves[i] = leafArray(lease, i, 3, 100 * i, 10, 10);
    }
    leaves[1].close();
    assertEquals(before + 3, counters.viewsLive.sum());
    WeakReference<Lease> gone = new WeakReference<>(lease);
    lease = null;
    leaves = null;
    collect(pool, gone);
    assertEquals(0, pool.freeBytes(), "a 1,200-byte slab is over the 1,000-byte budget");
    assertEquals(before, counters.viewsLive.sum(), "the three views were freed with the slab");
  }

  /**
   * What a collection gives back unasked sizes an adaptive budget: one and a half times as much, so
   * that the pool keeps all of it free for the steps after, and does not ask for a collection before
   * the JVM would make the next one.
   */
  @Test
  void anAdaptiveBudgetGrowsToWhatACollectionGaveBack() throws InterruptedException {
    long initial = 1L << 20;
    SlabPool pool = new SlabPool(-1, initial, counters);
    Lease[] leases = new Lease[100];
    for (int i = 0; i < leases.length; i++) {
      leases[i] = pool.lease(4096);
    }
    assertEquals(initial, pool.budget(), "64 leases of 16 KiB fit the initial budget");
    WeakReference<Lease> gone = new WeakReference<>(leases[99]);
    leases = null;
    collect(pool, gone);
    assertEquals(100 * 16384L * 3 / 2, pool.budget());
    assertEquals(100 * 16384L, pool.freeBytes(), "all 100 slabs are kept, not the 64 the initial budget holds");
    assertEquals(0, pool.lentBytes());
  }

  @Test
  void leafArraysAreOrdinaryArrays() {
    SlabPool pool = new SlabPool(1L << 20, counters);
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
