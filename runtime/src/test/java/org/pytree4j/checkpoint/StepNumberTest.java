package org.pytree4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every non-negative long is a step the manager writes and then sees; no other file name is one. */
class StepNumberTest {
  private static final int VALUES = 10;

  @Test
  void nineteenDigitStepsSuchAsTimestampsAreSavedListedAndRestored(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).maxToKeep(Integer.MAX_VALUE);
    long timestamp = 1_700_000_000_000_000_000L;
    for (long step : new long[] {0, 9, timestamp, Long.MAX_VALUE - 1, Long.MAX_VALUE}) {
      manager.save(CrashState.of(step, VALUES), step);
      assertEquals(OptionalLong.of(step), manager.latestStep());
      CrashState.assertWhole(manager.restoreLatest(CrashState.target(VALUES)).orElseThrow(), step, VALUES);
    }
    assertEquals(List.of(0L, 9L, timestamp, Long.MAX_VALUE - 1, Long.MAX_VALUE), manager.steps());
    assertEquals(dir.resolve("checkpoint_9223372036854775807.ckpt"), manager.file(Long.MAX_VALUE));
    CrashState.assertWhole(manager.restore(timestamp, CrashState.target(VALUES)), timestamp, VALUES);
    assertEquals(5, manager.checkpoints().size());
    assertThrows(IllegalArgumentException.class, () -> manager.save(CrashState.of(-1, VALUES), -1));
  }

  @Test
  void namesThatAreNotAStepAreIgnored(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).maxToKeep(Integer.MAX_VALUE);
    manager.save(CrashState.of(7, VALUES), 7);
    byte[] checkpoint = Files.readAllBytes(manager.file(7));
    for (String name : List.of("checkpoint_007.ckpt", "checkpoint_9223372036854775808.ckpt",
        "checkpoint_10000000000000000000.ckpt", "checkpoint_-1.ckpt", "checkpoint_.ckpt", "checkpoint_1.ckpt.bak")) {
      Files.write(dir.resolve(name), checkpoint);
    }
    assertEquals(List.of(7L), manager.steps());
    assertEquals(OptionalLong.of(7), manager.latestStep());
    manager.save(CrashState.of(8, VALUES), 8);
    assertEquals(List.of(7L, 8L), manager.steps());
    assertEquals(true, Files.exists(dir.resolve("checkpoint_007.ckpt")), "files not ours are left alone");
  }
}
