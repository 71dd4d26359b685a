package org.pytree4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pytree4j.testing.ChildJvm;

/** One saver per directory: a second one, in another process or thread, gets a clear error. */
class CheckpointLockTest {
  private static final int VALUES = 2_000;

  @Test
  void aSaverInAnotherProcessLocksOutThisOne(@TempDir Path dir) throws Exception {
    CheckpointManager manager = Checkpoints.manager(dir).keep(5);
    manager.save(CrashState.of(1, VALUES), 1);
    try (ChildJvm holder = ChildJvm.start(LockHolderMain.class, dir.toString())) {
      assertEquals("locked", holder.nextLine(60));
      CheckpointLockedException e = assertThrows(CheckpointLockedException.class,
          () -> manager.save(CrashState.of(2, VALUES), 2));
      Path real = dir.toRealPath();
      assertEquals("cannot save to checkpoint directory " + real + ": another saver holds its lock ("
          + real.resolve(".checkpoint.lock") + " is locked by another process); only one process may save to a"
          + " checkpoint directory at a time", e.getMessage());
      assertEquals(List.of(1L), manager.steps(), "nothing was written");
      holder.process().getOutputStream().close(); // lets the holder exit
      assertEquals(0, holder.awaitExit(60));
    }
    manager.save(CrashState.of(2, VALUES), 2);
    assertEquals(List.of(1L, 2L), manager.steps());
  }

  @Test
  void anotherThreadOfThisProcessIsLockedOutWithoutReleasingTheFileLock(@TempDir Path dir) throws Exception {
    CheckpointManager manager = Checkpoints.manager(dir);
    manager.save(CrashState.of(1, VALUES), 1);
    DirectoryLock held = DirectoryLock.acquire(dir.toRealPath());
    try {
      CheckpointLockedException e = assertThrows(CheckpointLockedException.class,
          () -> manager.save(CrashState.of(2, VALUES), 2));
      assertTrue(e.getMessage().contains("another thread of this process is saving"), e.getMessage());
      // the refused saver must not have dropped the OS lock: another process still sees it taken
      try (ChildJvm probe = ChildJvm.start(LockHolderMain.class, dir.toString())) {
        assertEquals("busy", probe.nextLine(60));
      }
    } finally {
      held.close();
    }
    manager.save(CrashState.of(2, VALUES), 2);
    assertEquals(List.of(2L), manager.steps());
  }

  @Test
  void concurrentSaversFromTwoProcessesNeverCorruptACheckpoint(@TempDir Path dir) throws Exception {
    // Both savers race for the same steps: each attempt saves, is locked out, or is refused because
    // the other saved that step first. Whatever interleaving happens, every file must be whole.
    List<String> outcomes = new ArrayList<>();
    try (ChildJvm other = ChildJvm.start(SaveLoopMain.class, dir.toString(), Integer.toString(VALUES), "100",
        "40", "1", "1")) {
      assertEquals("ready", other.nextLine(60));
      CheckpointManager manager = Checkpoints.manager(dir).keep(100);
      for (long step = 1; step <= 40; step++) {
        try {
          manager.save(CrashState.of(step, VALUES), step);
          outcomes.add("saved");
        } catch (CheckpointLockedException e) {
          outcomes.add("locked");
        } catch (IllegalArgumentException e) {
          assertTrue(e.getMessage().contains("is already saved, and steps must increase"), e.getMessage());
          outcomes.add("refused");
        }
      }
      assertEquals(0, other.awaitExit(120));
      for (String line : other.drain()) {
        outcomes.add(line.split(" ")[0]);
      }
    }
    assertEquals(80, outcomes.size(), outcomes.toString());
    assertTrue(outcomes.stream().allMatch(o -> o.equals("saved") || o.equals("locked") || o.equals("refused")),
        outcomes.toString());
    CheckpointManager manager = Checkpoints.manager(dir).keep(100);
    assertEquals(outcomes.stream().filter("saved"::equals).count(), manager.steps().size(), outcomes.toString());
    for (long step : manager.steps()) {
      CrashState.assertWhole(manager.restore(step, CrashState.target(VALUES)), step, VALUES);
    }
    System.out.println("two savers: " + outcomes.stream().filter("locked"::equals).count() + " locked out, "
        + outcomes.stream().filter("refused"::equals).count() + " refused, " + manager.steps().size() + " saved");
  }

  @Test
  void threadsRacingInOneProcessNeverCorruptACheckpoint(@TempDir Path dir) throws Exception {
    CheckpointManager manager = Checkpoints.manager(dir).keep(100);
    ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
          for (long step = 1; step <= 25; step++) {
            try {
              manager.save(CrashState.of(step, VALUES), step);
              outcomes.add("saved");
            } catch (CheckpointLockedException e) {
              outcomes.add("locked");
            } catch (IllegalArgumentException e) {
              outcomes.add("refused");
            }
          }
        } catch (InterruptedException | IOException | RuntimeException e) {
          errors.add(e);
        }
      });
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(List.of(), errors);
    assertEquals(50, outcomes.size());
    assertEquals(outcomes.stream().filter("saved"::equals).count(), manager.steps().size());
    for (long step : manager.steps()) {
      Map<String, Object> restored = manager.restore(step, CrashState.target(VALUES));
      CrashState.assertWhole(restored, step, VALUES);
    }
  }
}
