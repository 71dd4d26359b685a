package org.pytree4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.InvalidTreeException;

/**
 * Asynchronous saves (Orbax's {@code enable_async_checkpointing}): {@code save} snapshots the state
 * and returns, a background thread writes it; the next call waits for it and reports its failure,
 * which leaves nothing of that checkpoint behind.
 */
@Timeout(120) // a save that deadlocks fails here instead of hanging the build
class AsyncCheckpointTest {
  private static final int VALUES = 1_000;

  /** Runs tasks only when the test says so, on a thread of its own. */
  private static final class HeldExecutor implements Executor {
    private final List<Runnable> held = new ArrayList<>();

    @Override
    public synchronized void execute(Runnable task) {
      held.add(task);
    }

    synchronized void release() throws InterruptedException {
      for (Runnable task : held) {
        Thread thread = new Thread(task, "held-checkpoint-writer");
        thread.start();
        thread.join();
      }
      held.clear();
    }

    synchronized int waiting() {
      return held.size();
    }
  }

  @Test
  void saveReturnsBeforeTheWriteAndCloseWaitsForIt(@TempDir Path dir) throws Exception {
    HeldExecutor writer = new HeldExecutor();
    try (CheckpointManager manager = Checkpoints.manager(dir).maxToKeep(3).enableAsyncCheckpointing(true)
        .withExecutor(writer)) {
      assertTrue(manager.save(CrashState.of(1, VALUES), 1, Map.of("loss", 0.5)));
      assertEquals(1, writer.waiting(), "the write waits in the background");
      assertEquals(List.of(), manager.steps(), "nothing visible before it is written whole");
      assertFalse(manager.shouldSave(1), "the step in flight counts as the latest");
      IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
          () -> manager.save(CrashState.of(1, VALUES), 1));
      assertTrue(again.getMessage().endsWith("step 1 is already saved, and steps must increase"), again.getMessage());
      writer.release();
    }
    CheckpointManager reader = Checkpoints.manager(dir);
    assertEquals(List.of(1L), reader.steps());
    CrashState.assertWhole(reader.restoreLatest(CrashState.target(VALUES)).orElseThrow(), 1, VALUES);
    assertEquals(java.util.Optional.of(Map.of("loss", 0.5)), reader.metrics(1));
  }

  @Test
  void theRealWriterThreadSavesAndRemovesOldCheckpoints(@TempDir Path dir) throws IOException {
    try (CheckpointManager manager = Checkpoints.manager(dir).maxToKeep(2).enableAsyncCheckpointing(true)) {
      for (long step = 1; step <= 5; step++) {
        assertTrue(manager.save(CrashState.of(step, VALUES), step));
      }
      manager.waitUntilFinished();
      assertEquals(List.of(4L, 5L), manager.steps());
    }
    CrashState.assertWhole(Checkpoints.restoreLatest(dir, CrashState.target(VALUES)).orElseThrow(), 5, VALUES);
  }

  @Test
  void theStateIsSnapshotAtSaveSoLaterChangesToItsArraysAreNotSaved(@TempDir Path dir) throws Exception {
    HeldExecutor writer = new HeldExecutor();
    INDArray weights = Nd4j.create(new float[] {1, 2, 3}, 3);
    Map<String, Object> state = Map.of("w", weights);
    try (CheckpointManager manager = Checkpoints.manager(dir).enableAsyncCheckpointing(true).withExecutor(writer)) {
      manager.save(state, 1);
      weights.assign(99); // an in-place update (or a donating step) while the write waits
      writer.release();
    }
    Map<String, INDArray> restored = Checkpoints.restoreLatest(dir, Map.of("w", Nd4j.zeros(DataType.FLOAT, 3))).orElseThrow();
    assertEquals(Nd4j.create(new float[] {1, 2, 3}, 3), restored.get("w"));
  }

  @Test
  void anUnserializableStateFailsAtSaveNotLater(@TempDir Path dir) throws IOException {
    try (CheckpointManager manager = Checkpoints.manager(dir).enableAsyncCheckpointing(true)) {
      InvalidTreeException e = assertThrows(InvalidTreeException.class, () -> manager.save(Map.of("lock", new Object()), 1));
      assertTrue(e.getMessage().startsWith("cannot serialize the leaf at ['lock']"), e.getMessage());
      assertTrue(manager.save(CrashState.of(1, VALUES), 1), "the lock was released");
    }
  }

  @Test
  void aFailedBackgroundSaveIsReportedByTheNextCallAndLeavesNothing(@TempDir Path dir) throws Exception {
    HeldExecutor writer = new HeldExecutor();
    CheckpointManager manager = Checkpoints.manager(dir).maxToKeep(5).enableAsyncCheckpointing(true).withExecutor(writer);
    manager.save(CrashState.of(1, VALUES), 1);
    writer.release();
    manager.save(CrashState.of(2, VALUES), 2, Map.of("loss", 1.0));
    // a directory where the checkpoint file must go: its metadata is renamed into place, then the
    // rename of the checkpoint itself fails, half way through the commit
    Path blocker = Files.createDirectories(dir.resolve("checkpoint_2.ckpt").resolve("in-the-way"));
    writer.release();
    Files.delete(blocker);
    Files.delete(blocker.getParent());

    CheckpointSaveFailedException failure = assertThrows(CheckpointSaveFailedException.class,
        () -> manager.save(CrashState.of(3, VALUES), 3));
    assertEquals(2, failure.step());
    assertTrue(failure.getMessage().startsWith("the asynchronous save of step 2 to " + dir.toRealPath() + " failed,"
        + " and nothing of it was kept: "), failure.getMessage());
    assertEquals(List.of("checkpoint_1.ckpt", "checkpoint_1.meta"), files(dir), "no file of step 2, not even temporary");
    manager.waitUntilFinished(); // reported once

    assertTrue(manager.save(CrashState.of(3, VALUES), 3));
    writer.release();
    manager.close();
    assertEquals(List.of(1L, 3L), manager.steps());
  }

  @Test
  void waitUntilFinishedAndCloseReportAFailureToo(@TempDir Path dir) throws Exception {
    HeldExecutor writer = new HeldExecutor();
    CheckpointManager manager = Checkpoints.manager(dir).enableAsyncCheckpointing(true).withExecutor(writer);
    manager.save(CrashState.of(1, VALUES), 1);
    Files.createDirectories(dir.resolve("checkpoint_1.ckpt").resolve("in-the-way"));
    manager.checkForErrors(); // the save has not run yet: nothing to report, and no waiting
    writer.release();
    assertThrows(CheckpointSaveFailedException.class, manager::checkForErrors);
    manager.waitUntilFinished(); // reported once

    manager.save(CrashState.of(2, VALUES), 2);
    Files.createDirectories(dir.resolve("checkpoint_2.ckpt").resolve("in-the-way"));
    writer.release();
    assertThrows(CheckpointSaveFailedException.class, manager::close);
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> !n.equals(".checkpoint.lock")).sorted().toList();
    }
  }
}
