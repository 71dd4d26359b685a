package org.pytree4j.optim.engine;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reuses the off-heap memory of optimizer outputs instead of allocating it fresh every step (a fresh
 * 40 MB ND4J array costs tens of milliseconds of page faults). A slab is lent as a {@link Lease};
 * it comes back when the garbage collector finds the lease unreachable, that is when no array made
 * over it (nor any view of one) is left, so a live state never sees its values change. A slab comes
 * back with the native views of its leaves ({@link NativeViews}), which the next lease over it reuses
 * where its leaves lie as before; the free slabs, views included, are kept within the budget. Small
 * slabs are cut from shared chunks ({@link SlabChunks}), as a fresh ND4J buffer costs microseconds.
 *
 * <p>The Java heap does not feel off-heap memory, so, as the JDK does for direct buffers, the pool
 * asks for a collection ({@code System.gc()}) once the memory lent since the last collection exceeds
 * its budget, and then waits briefly for the freed slabs. If nothing comes back (the caller keeps its
 * states), it allocates. The budget (system property {@value #BUDGET_PROPERTY}, in bytes) is by
 * default the largest of 1 GiB, 64 leases of the largest size seen (with three leases a step, a
 * collection every 20 or so steps of a training loop that drops its old states) and one and a half
 * times what one of the JVM's own collections gave back, but at most a quarter of physical memory.
 * The last keeps a loop whose states die young from asking for collections (full ones, with the
 * default collector) between the JVM's own, and keeps what they give back free for the steps after.
 * A smaller budget would shorten a loop's first, fresh-memory steps only by collecting more often
 * for the rest of the run: the slabs lent before a collection are those recycled until the next.
 */
final class SlabPool {
  static final String BUDGET_PROPERTY = EngineConfig.POOL_BYTES_PROPERTY;
  private static final long MIN_BUDGET = 1L << 30;
  private static final long MAX_BUDGET = physicalMemory() / 4;
  private static final int LEASES_PER_COLLECTION = 64;

  /** A fixed budget, or -1 to adapt it to the leases asked for. */
  private final long fixedBudget;
  private long budget;
  private final Map<Long, ArrayDeque<Slab>> free = new HashMap<>();
  private final ReferenceQueue<Lease> returned = new ReferenceQueue<>();
  private final Set<LeaseRef> outstanding = new HashSet<>();
  private final SlabChunks chunks = new SlabChunks();
  private long lentBytes;
  private long freeBytes;
  private long reused;
  private long collectAbove;
  private final EngineCounters counters;
  private boolean closed;

  SlabPool(long budget, EngineCounters counters) {
    this(budget, MIN_BUDGET, counters);
  }

  /** A pool with a fixed budget, or (when {@code budget} is -1) one that adapts from {@code initialBudget}. */
  SlabPool(long budget, long initialBudget, EngineCounters counters) {
    this.fixedBudget = budget;
    this.budget = budget > 0 ? budget : initialBudget;
    this.collectAbove = this.budget;
    this.counters = counters;
  }

  synchronized long budget() {
    return budget;
  }

  /** A slab of exactly {@code floats} elements, recycled when one is free. */
  Lease lease(int floats) {
    return lease(floats, 0);
  }

  /**
   * A slab of exactly {@code floats} elements for {@code leaves} leaf arrays, recycled when one is
   * free: preferably one whose last lease had as many, whose native views may then be reused.
   */
  synchronized Lease lease(int floats, int leaves) {
    growBudget(LEASES_PER_COLLECTION * 4L * floats);
    drain();
    Slab slab = take(floats, leaves);
    if (slab == null && lentBytes + 4L * floats > collectAbove) {
      collect();
      slab = take(floats, leaves);
      collectAbove = lentBytes + budget;
    }
    if (slab == null) {
      slab = floats <= SlabChunks.MAX_CUT_FLOATS && !closed ? chunks.cut(floats) : Slab.allocate(floats);
    } else {
      reused++;
    }
    Lease lease = new Lease(slab, counters);
    if (slab.idleViews != null) {
      lease.natives.inherit(slab.idleViews);
      slab.idleViews = null;
    }
    outstanding.add(new LeaseRef(lease, slab, returned));
    lentBytes += slab.bytes();
    return lease;
  }

  /** Raises an adaptive budget to {@code wanted}, within a quarter of physical memory. */
  private void growBudget(long wanted) {
    long grown = Math.min(wanted, MAX_BUDGET);
    if (fixedBudget <= 0 && grown > budget) {
      collectAbove += grown - budget;
      budget = grown;
    }
  }

  private static long physicalMemory() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 4 * MIN_BUDGET;
  }

  /** How many leases were served with a recycled slab. */
  synchronized long reused() {
    return reused;
  }

  /** Bytes lent out and not yet known to be free. */
  synchronized long lentBytes() {
    return lentBytes;
  }

  /** Bytes held free for reuse: the free slabs and the native views kept with them. */
  synchronized long freeBytes() {
    drain();
    return freeBytes;
  }

  private Slab take(int floats, int leaves) {
    ArrayDeque<Slab> slabs = free.get(layout(floats, leaves));
    Slab slab = slabs == null ? null : slabs.pollFirst();
    if (slab == null) {
      for (Map.Entry<Long, ArrayDeque<Slab>> e : free.entrySet()) {
        if ((int) (e.getKey() >>> 32) == floats && (slab = e.getValue().pollFirst()) != null) {
          break;
        }
      }
    }
    if (slab != null) {
      freeBytes -= slab.keptBytes;
    }
    return slab;
  }

  /** The free list of slabs of {@code floats} elements whose last lease had {@code leaves} leaf views. */
  private static long layout(int floats, int leaves) {
    return ((long) floats << 32) | leaves;
  }

  private void drain() {
    Reference<? extends Lease> ref = returned.poll();
    if (ref == null) {
      return;
    }
    List<LeaseRef> back = new ArrayList<>();
    long returnedBytes = 0;
    for (; ref != null; ref = returned.poll()) {
      back.add((LeaseRef) ref);
      returnedBytes += ((LeaseRef) ref).slab.bytes();
    }
    // what a collection the JVM made by itself gave back: room to lend and keep free as much again
    growBudget(returnedBytes + returnedBytes / 2);
    for (LeaseRef r : back) {
      giveBack(r);
    }
  }

  /**
   * Frees the free slabs now, and from now on every slab that comes back; slabs still lent stay valid.
   * Leases are still served (with new memory), so that a step already under way finishes.
   */
  synchronized void close() {
    closed = true;
    chunks.retire();
    drain();
    for (ArrayDeque<Slab> slabs : free.values()) {
      for (Slab slab : slabs) {
        slab.free();
      }
    }
    free.clear();
    freeBytes = 0;
  }

  /** Takes back the slab of a lease that can no longer be reached. */
  private void giveBack(LeaseRef ref) {
    outstanding.remove(ref);
    Slab slab = ref.slab;
    slab.idleViews = ref.natives;
    lentBytes -= slab.bytes();
    long kept = slab.bytes() + ref.natives.nativeBytes();
    if (closed || freeBytes + kept > budget) {
      slab.free();
    } else {
      slab.keptBytes = kept;
      free.computeIfAbsent(layout(slab.floats, ref.natives.count()), k -> new ArrayDeque<>()).addFirst(slab);
      freeBytes += kept;
    }
  }

  /** Asks for a collection and waits (at most about half a second) for the first slab to come back. */
  private void collect() {
    System.gc();
    long waitMs = 1;
    try {
      for (int i = 0; i < 9; i++, waitMs <<= 1) {
        Reference<? extends Lease> ref = returned.remove(waitMs);
        if (ref != null) {
          giveBack((LeaseRef) ref);
          // the others found by the same collection are enqueued together
          Reference<? extends Lease> more;
          while ((more = returned.remove(1)) != null) {
            giveBack((LeaseRef) more);
          }
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Tracks one lease; holds its slab and native views, which the lease itself must not keep alive. */
  private static final class LeaseRef extends PhantomReference<Lease> {
    final Slab slab;
    final NativeViews.Owned natives;

    LeaseRef(Lease lease, Slab slab, ReferenceQueue<Lease> queue) {
      super(lease, queue);
      this.slab = slab;
      this.natives = lease.natives;
    }
  }
}
