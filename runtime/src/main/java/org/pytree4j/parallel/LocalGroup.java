package org.pytree4j.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meeting point of the ranks of one in-process group: each rank puts its contribution in its
 * slot and waits until all have (a {@link CyclicBarrier} with the call's deadline). A rank that
 * fails or times out breaks the barrier, so the others fail at once instead of waiting.
 */
final class LocalGroup {
  private final int size;
  private final CyclicBarrier barrier;
  private final Object[] slots;
  private final AtomicLongArray reached;
  private final AtomicReferenceArray<String> reachedOp;
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

  LocalGroup(int size) {
    this.size = size;
    this.barrier = new CyclicBarrier(size);
    this.slots = new Object[size];
    this.reached = new AtomicLongArray(size);
    this.reachedOp = new AtomicReferenceArray<>(size);
  }

  int size() {
    return size;
  }

  /** Puts {@code mine} in this rank's slot and returns every rank's, once all have put theirs. */
  Object[] exchange(int rank, Object mine, Call call) {
    reached.set(rank, call.sequence());
    reachedOp.set(rank, call.op());
    slots[rank] = mine;
    await(call);
    Object[] all = slots.clone();
    await(call);   // nobody refills a slot before every rank has read them all
    return all;
  }

  /** Waits until every rank has reached the same point. */
  void await(Call call) {
    RuntimeException earlier = failure.get();
    if (earlier != null) {
      throw aborted(call, earlier);
    }
    try {
      long remaining = call.remainingNanos();
      if (remaining <= 0) {
        throw new TimeoutException();
      }
      barrier.await(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      CollectiveTimeoutException timedOut = call.timedOut(missing(call));
      failure.compareAndSet(null, timedOut);
      barrier.reset();
      throw timedOut;
    } catch (BrokenBarrierException e) {
      RuntimeException cause = failure.get();
      for (int i = 0; cause == null && i < 200; i++) {
        // the rank that broke the barrier (a timeout or an interrupt) records why just after
        java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        cause = failure.get();
      }
      throw aborted(call, cause != null ? cause : new CollectiveException("the group's barrier was broken"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      CollectiveException interrupted = call.failed("interrupted", e);
      failure.compareAndSet(null, interrupted);
      barrier.reset();
      throw interrupted;
    }
  }

  /** A rank failed outside a collective call: the others stop waiting for it. */
  void abort(int rank, Throwable cause) {
    failure.compareAndSet(null, new CollectiveException("rank " + rank + " failed: " + cause, cause));
    barrier.reset();
  }

  private static CollectiveException aborted(Call call, RuntimeException cause) {
    return new CollectiveException(call.describe() + " on rank " + call.rank() + " was aborted: " + cause.getMessage(),
        cause);
  }

  private String missing(Call call) {
    List<String> late = new ArrayList<>();
    for (int r = 0; r < size; r++) {
      if (r != call.rank() && reached.get(r) < call.sequence()) {
        String last = reachedOp.get(r);
        late.add("rank " + r + (last == null ? " (no collective call yet)"
            : " (last in " + last + ", collective #" + reached.get(r) + ")"));
      }
    }
    return late.isEmpty() ? "the other ranks did not all arrive" : "waiting for " + String.join(", ", late);
  }
}
