package org.pytree4j.optim;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reuses the off-heap memory of optimizer outputs instead of allocating it fresh every step (a fresh
 * 40 MB ND4J array costs tens of milliseconds of page faults). A slab is lent as a {@link Lease};
 * it comes back when the garbage collector finds the lease unreachable, that is when no array made
 * over it (nor any view of one) is left, so a live state never sees its values change.
 *
 * <p>The Java heap does not feel off-heap memory, so, as the JDK does for direct buffers, the pool
 * asks for a collection ({@code System.gc()}) once the memory lent since the last collection exceeds
 * its budget, and then waits briefly for the freed slabs. If nothing comes back (the caller keeps its
 * states), it allocates. The budget (system property {@value #BUDGET_PROPERTY}, in bytes) is by
 * default the larger of 1 GiB and 64 leases of the largest size seen, but at most a quarter of
 * physical memory: with three leases a step (params, two moments), a collection every 20 or so steps
 * of a training loop that drops its old states.
 */
final class SlabPool {
  static final String BUDGET_PROPERTY = "pytree4j.optim.poolBytes";
  static final SlabPool SHARED = new SlabPool(Long.getLong(BUDGET_PROPERTY, -1));
  private static final long MIN_BUDGET = 1L << 30;
  private static final int LEASES_PER_COLLECTION = 64;

  /** A fixed budget, or -1 to adapt it to the leases asked for. */
  private final long fixedBudget;
  private long budget;
  private final Map<Integer, ArrayDeque<Slab>> free = new HashMap<>();
  private final ReferenceQueue<Lease> returned = new ReferenceQueue<>();
  private final Set<LeaseRef> outstanding = new HashSet<>();
  private long lentBytes;
  private long freeBytes;
  private long reused;
  private long collectAbove;

  SlabPool(long budget) {
    this.fixedBudget = budget;
    this.budget = budget > 0 ? budget : MIN_BUDGET;
    this.collectAbove = this.budget;
  }

  /** A slab of exactly {@code floats} elements, recycled when one is free. */
  synchronized Lease lease(int floats) {
    if (fixedBudget <= 0 && (long) LEASES_PER_COLLECTION * 4L * floats > budget) {
      long grown = Math.min(LEASES_PER_COLLECTION * 4L * floats, physicalMemory() / 4);
      collectAbove += Math.max(0, grown - budget);
      budget = Math.max(budget, grown);
    }
    drain();
    Slab slab = take(floats);
    if (slab == null && lentBytes + 4L * floats > collectAbove) {
      collect();
      slab = take(floats);
      collectAbove = lentBytes + budget;
    }
    if (slab == null) {
      slab = Slab.allocate(floats);
    } else {
      reused++;
    }
    Lease lease = new Lease(slab);
    outstanding.add(new LeaseRef(lease, slab, returned));
    lentBytes += slab.bytes();
    return lease;
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

  /** Bytes held free for reuse. */
  synchronized long freeBytes() {
    drain();
    return freeBytes;
  }

  private Slab take(int floats) {
    ArrayDeque<Slab> slabs = free.get(floats);
    Slab slab = slabs == null ? null : slabs.pollFirst();
    if (slab != null) {
      freeBytes -= slab.bytes();
    }
    return slab;
  }

  private void drain() {
    Reference<? extends Lease> ref;
    while ((ref = returned.poll()) != null) {
      giveBack((LeaseRef) ref);
    }
  }

  private void giveBack(LeaseRef ref) {
    outstanding.remove(ref);
    ref.natives.free();
    Slab slab = ref.slab;
    lentBytes -= slab.bytes();
    if (freeBytes + slab.bytes() > budget) {
      slab.free();
      return;
    }
    free.computeIfAbsent(slab.floats, k -> new ArrayDeque<>()).addFirst(slab);
    freeBytes += slab.bytes();
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
