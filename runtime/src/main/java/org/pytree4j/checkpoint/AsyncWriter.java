package org.pytree4j.checkpoint;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
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

  /** Starts {@code task} for {@code step}; the caller has waited for the previous one. */
  synchronized void submit(long step, Task task) {
    pendingStep = step;
    pending = CompletableFuture.runAsync(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, executor);
  }

  /** Waits for the save in flight; throws its failure (once). */
  synchronized void await() throws CheckpointSaveFailedException {
    CompletableFuture<Void> last = pending;
    if (last == null) {
      return;
    }
    try {
      last.get();
      pending = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CheckpointSaveFailedException(directory, pendingStep, e); // still in flight: asked again later
    } catch (ExecutionException e) {
      pending = null;
      Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
          ? c.getCause()
          : e.getCause();
      throw new CheckpointSaveFailedException(directory, pendingStep, cause);
    }
  }

  /** Throws the failure of a save that has finished, without waiting for one in flight. */
  synchronized void checkForErrors() throws CheckpointSaveFailedException {
    if (pending != null && pending.isDone()) {
      await();
    }
  }
}
