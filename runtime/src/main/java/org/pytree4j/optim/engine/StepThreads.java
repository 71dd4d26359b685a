package org.pytree4j.optim.engine;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The threads an engine's fused steps spread their passes over: the caller plus {@code threads - 1}
 * daemon workers, used only when the work is large enough to pay for the hand-off.
 *
 * <p>A step hands parts to the workers several times (scans, new arrays, passes), often less than
 * a tenth of a millisecond apart. A thread that sleeps between them takes about 50 to 80 us to
 * wake up on a virtual machine, which is as long as a part of a 1M-param step; so a worker keeps
 * polling for its next part for {@value #SPIN_MICROS} us after its last one before it sleeps, and
 * a caller polls for its workers' parts to finish as long before it sleeps.
 */
final class StepThreads implements AutoCloseable {
  /** Elements below which a pass runs on the calling thread alone. */
  static final int PARALLEL_MIN = 1 << 15;
  static final int SPIN_MICROS = 200;
  private static final long SPIN_NANOS = SPIN_MICROS * 1000L;

  /** The threads a step may use, the caller's included. */
  final int count;
  private final Worker[] workers;

  StepThreads(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("an engine needs at least one thread, not " + count);
    }
    this.count = count;
    this.workers = workers(count - 1);
  }

  /** How many parts {@code work} elements are split into. */
  int parts(long work) {
    return (int) Math.max(1, Math.min(count, work / PARALLEL_MIN));
  }

  /** Stops the workers once they finish what they run; later calls run every part on the caller. */
  @Override
  public void close() {
    for (Worker w : workers) {
      w.stopWhenIdle();
    }
  }

  /**
   * Runs {@code pieces} pieces of work on {@code parts} threads that each take the next piece as they
   * finish one, so that a thread slowed down (a shared or virtual core) does fewer pieces instead of
   * holding up the step. Each thread gets its own worker from {@code perThread} (for its scratch).
   */
  void share(int parts, int pieces, Supplier<IntConsumer> perThread) {
    AtomicInteger next = new AtomicInteger();
    run(Math.min(parts, pieces), part -> {
      IntConsumer worker = perThread.get();
      for (int piece = next.getAndIncrement(); piece < pieces; piece = next.getAndIncrement()) {
        worker.accept(piece);
      }
    });
  }

  /**
   * Runs {@code part.accept(0) .. part.accept(parts - 1)}, the first on this thread, the others on
   * the workers; a part no worker is free for (one busy with another caller's, or this call made
   * from a worker's part) runs on this thread too. Returns once every part has run, even when this
   * thread is interrupted meanwhile (the parts use memory the caller owns; the interrupt is kept);
   * then rethrows the first failure.
   */
  void run(int parts, IntConsumer part) {
    if (parts <= 1 || workers.length == 0) {
      for (int i = 0; i < parts; i++) {
        part.accept(i);
      }
      return;
    }
    Job[] handed = new Job[parts];
    for (int i = 1, w = 0; i < parts && w < workers.length; i++, w++) {
      Job job = new Job(part, i, Thread.currentThread());
      if (workers[w].offer(job)) {
        handed[i] = job;
      }
    }
    Throwable failure = null;
    for (int i = 0; i < parts; i++) {
      if (handed[i] == null) {
        try {
          part.accept(i);
        } catch (RuntimeException | Error e) {
          failure = failure == null ? e : failure;
        }
      }
    }
    for (Job job : handed) {
      if (job != null) {
        job.awaitDone();
        failure = failure == null ? job.failure : failure;
      }
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure != null) {
      throw new IllegalStateException("an optimizer pass failed", failure);
    }
  }

  private static Worker[] workers(int count) {
    Worker[] workers = new Worker[Math.max(0, count)];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker();
      workers[i].start();
    }
    return workers;
  }

  /** One part handed to a worker, and what came of it. */
  private static final class Job {
    private final IntConsumer part;
    private final int index;
    private final Thread caller;
    private Throwable failure;
    private volatile boolean done;
    private volatile boolean callerAsleep;

    Job(IntConsumer part, int index, Thread caller) {
      this.part = part;
      this.index = index;
      this.caller = caller;
    }

    void run() {
      try {
        part.accept(index);
      } catch (Throwable e) {
        failure = e;
      }
    }

    void finish() {
      done = true;
      if (callerAsleep) {
        LockSupport.unpark(caller);
      }
    }

    /** Polls, then sleeps, until the worker has run the part; keeps an interrupt for later. */
    void awaitDone() {
      long deadline = System.nanoTime() + SPIN_NANOS;
      boolean interrupted = false;
      while (!done) {
        if (System.nanoTime() - deadline < 0) {
          Thread.onSpinWait();
          continue;
        }
        callerAsleep = true;
        if (!done) {
          LockSupport.park(this);
        }
        interrupted |= Thread.interrupted();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A daemon thread that runs the parts handed to it one at a time. */
  private static final class Worker extends Thread {
    /** In the slot, it tells an idle worker to stop. */
    private static final Job STOP = new Job(part -> {}, 0, null);
    private final AtomicReference<Job> slot = new AtomicReference<>();
    private volatile boolean asleep;

    Worker() {
      super("pytree4j-optimizer");
      setDaemon(true);
    }

    /** Makes the worker end once it has no part to run; a worker that is closed takes no more. */
    void stopWhenIdle() {
      while (!slot.compareAndSet(null, STOP)) {
        if (slot.get() == STOP) {
          return;
        }
        Thread.onSpinWait();
      }
      LockSupport.unpark(this);
    }

    /** Hands {@code job} to this worker; false when it is busy with another, or stopped. */
    boolean offer(Job job) {
      if (!slot.compareAndSet(null, job)) {
        return false;
      }
      if (asleep) {
        LockSupport.unpark(this);
      }
      return true;
    }

    @Override
    public void run() {
      while (true) {
        Job job = next();
        if (job == STOP) {
          return;
        }
        job.run();
        // free before done: the caller may hand this worker its next part as soon as it sees done
        slot.set(null);
        job.finish();
      }
    }

    /** The next job: polled for {@link #SPIN_NANOS} after the last one (or a wake-up), then slept for. */
    private Job next() {
      long deadline = System.nanoTime() + SPIN_NANOS;
      while (true) {
        Job job = slot.get();
        if (job != null) {
          return job;
        }
        if (System.nanoTime() - deadline < 0) {
          Thread.onSpinWait();
          continue;
        }
        // asleep is set before the last look, so a job offered after it unparks this thread
        asleep = true;
        if (slot.get() == null) {
          LockSupport.park(this);
        }
        asleep = false;
        Thread.interrupted();
        deadline = System.nanoTime() + SPIN_NANOS;
      }
    }
  }
}
