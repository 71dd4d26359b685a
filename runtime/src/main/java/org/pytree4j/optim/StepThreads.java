package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The threads a fused step spreads its passes over: the caller plus {@code cores - 1} daemon
 * workers, used only when the work is large enough to pay for the hand-off.
 */
final class StepThreads {
  /** Elements below which a pass runs on the calling thread alone. */
  static final int PARALLEL_MIN = 1 << 15;
  static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

  private static final ExecutorService WORKERS = THREADS == 1 ? null : Executors.newFixedThreadPool(THREADS - 1, r -> {
    Thread t = new Thread(r, "pytree4j-optimizer");
    t.setDaemon(true);
    return t;
  });

  private StepThreads() {}

  /** How many parts {@code work} elements are split into. */
  static int parts(long work) {
    return (int) Math.max(1, Math.min(THREADS, work / PARALLEL_MIN));
  }

  /**
   * Runs {@code pieces} pieces of work on {@code parts} threads that each take the next piece as they
   * finish one, so that a thread slowed down (a shared or virtual core) does fewer pieces instead of
   * holding up the step. Each thread gets its own worker from {@code perThread} (for its scratch).
   */
  static void share(int parts, int pieces, java.util.function.Supplier<IntConsumer> perThread) {
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    run(Math.min(parts, pieces), part -> {
      IntConsumer worker = perThread.get();
      for (int piece = next.getAndIncrement(); piece < pieces; piece = next.getAndIncrement()) {
        worker.accept(piece);
      }
    });
  }

  /** Runs {@code part.accept(0) .. part.accept(parts - 1)}, the first on this thread; rethrows the first failure. */
  static void run(int parts, IntConsumer part) {
    if (parts <= 1 || WORKERS == null) {
      for (int i = 0; i < parts; i++) {
        part.accept(i);
      }
      return;
    }
    List<Future<?>> others = new ArrayList<>(parts - 1);
    for (int i = 1; i < parts; i++) {
      int index = i;
      others.add(WORKERS.submit(() -> part.accept(index)));
    }
    RuntimeException failure = null;
    try {
      part.accept(0);
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<?> f : others) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) {
          failure = new IllegalStateException("interrupted while waiting for an optimizer pass", e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
