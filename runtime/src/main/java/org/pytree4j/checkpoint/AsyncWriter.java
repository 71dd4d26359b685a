package org.pytree4j.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The background writer of one manager's asynchronous saves: at most one save in flight (a new one
 * waits for the last, as Orbax's does), its failure kept until the next call reports it. The writer
 * thread is not a daemon, so a JVM does not exit in the middle of a save, and it ends once idle.
 */
final class AsyncWriter {
  /** A background write; its failure is any exception. */
  interface Task {
    void run() throws Exception;
  }

  private final Path directory;
  private final Executor executor;
  private CompletableFuture<Void> pending;
  private long pendingStep = -1;
  /** The blocks of the last snapshot once written, for the next one (see {@link StateSnapshot}). */
  private final List<byte[]> spareBlocks = new ArrayList<>();

  AsyncWriter(Path directory, Executor executor) {
    this.directory = directory;
    this.executor = executor != null ? executor : newThread();
  }

  private static Executor newThread() {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread thread = new Thread(r, "pytree4j-checkpoint-writer");
      thread.setDaemon(false);
      return thread;
    });
    return executor;
  }

  /** The step being written, or -1. */
  synchronized long pendingStep() {
    return pending != null && !pending.isDone() ? pendingStep : -1;
  }

  /** Blocks for a new snapshot; only between saves (after {@link #await}). */
  synchronized List<byte[]> spareBlocks() {
    return spareBlocks;
  }

  /** Returns a written snapshot's blocks for the next one. */
  synchronized void recycle(StateSnapshot snapshot) {
    spareBlocks.addAll(snapshot.release());
  }

  /** Starts {@code task} for {@code step}; the caller has waited for the previous one. */
  synchronized void submit(long step, Task task) {
    pendingStep = step;
    pending = CompletableFuture.runAsync(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, executor);
  }

  /**
   * Waits for the save in flight; throws its failure (once). Waits without holding this object's
   * monitor, which the writer thread needs to hand back its blocks.
   */
  void await() throws CheckpointSaveFailedException {
    CompletableFuture<Void> last;
    long step;
    synchronized (this) {
      last = pending;
      step = pendingStep;
    }
    if (last == null) {
      return;
    }
    try {
      last.get();
      clear(last);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CheckpointSaveFailedException(directory, step, e); // still in flight: asked again later
    } catch (ExecutionException e) {
      if (clear(last)) {
        Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null
            ? c.getCause()
            : e.getCause();
        throw new CheckpointSaveFailedException(directory, step, cause);
      }
    }
  }

  /** Forgets {@code done} if it is still the pending save; false if another caller already did (and reported it). */
  private synchronized boolean clear(CompletableFuture<Void> done) {
    if (pending != done) {
      return false;
    }
    pending = null;
    return true;
  }

  /** Throws the failure of a save that has finished, without waiting for one in flight. */
  void checkForErrors() throws CheckpointSaveFailedException {
    boolean done;
    synchronized (this) {
      done = pending != null && pending.isDone();
    }
    if (done) {
      await();
    }
  }
}
