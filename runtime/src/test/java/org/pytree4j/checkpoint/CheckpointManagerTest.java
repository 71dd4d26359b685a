package org.pytree4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.TreeMismatchException;
import org.pytree4j.serialization.AdamLikeState;
import org.pytree4j.serialization.ChainLikeState;
import org.pytree4j.serialization.Serialization;
import org.pytree4j.serialization.TestStates;
import org.pytree4j.train.TrainState;

class CheckpointManagerTest {
  private static final int VALUES = 100;

  @Test
  void savesAndRestoresATrainState(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).keep(3);
    for (long step = 10; step <= 30; step += 10) {
      manager.save(TestStates.trainState(step), step);
    }
    assertEquals(List.of(10L, 20L, 30L), manager.steps());
    assertEquals(OptionalLong.of(30), manager.latestStep());

    TrainState<Map<String, Object>> latest = manager.restoreLatest(TestStates.trainState(0)).orElseThrow();
    assertEquals(30L, latest.step());
    assertEquals(TestStates.params(1), latest.params());
    assertEquals(30, ((AdamLikeState) ((ChainLikeState) latest.optState()).states().get(1)).count());
    assertEquals(20L, manager.restore(20, TestStates.trainState(0)).step());
  }

  @Test
  void theFileIsAHeaderThenFlaxBytes(@TempDir Path dir) throws IOException {
    TrainState<Map<String, Object>> state = TestStates.trainState(7);
    Path file = Checkpoints.save(dir, state, 7);
    assertEquals(dir.toRealPath().resolve("checkpoint_7.ckpt"), file);
    byte[] data = Files.readAllBytes(file);
    ByteBuffer header = ByteBuffer.wrap(data, 0, 40).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    header.get(magic);
    assertEquals("PT4JCKPT", new String(magic, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(1, header.getInt(), "format version");
    assertEquals(0, header.getInt(), "flags");
    assertEquals(7L, header.getLong(), "step");
    assertEquals(data.length - 40L, header.getLong(), "payload length");
    byte[] payload = Arrays.copyOfRange(data, 40, data.length);
    CRC32C crc = new CRC32C();
    crc.update(payload);
    assertEquals((int) crc.getValue(), header.getInt(), "payload checksum");
    assertArrayEquals(Serialization.toBytes(state), payload, "data[40:] is what flax.serialization.from_bytes reads");
  }

  @Test
  void keepsTheNewestAndEveryKth(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).keep(2).keepEvery(3);
    for (long step = 1; step <= 10; step++) {
      manager.save(CrashState.of(step, VALUES), step);
    }
    assertEquals(List.of(3L, 6L, 9L, 10L), manager.steps());

    for (long step = 11; step <= 13; step++) {
      Checkpoints.save(dir, CrashState.of(step, VALUES), step);
    }
    assertEquals(List.of(13L), Checkpoints.manager(dir).steps(), "Flax's default keeps the newest only");
  }

  @Test
  void stepsMustIncrease(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).keep(5);
    manager.save(CrashState.of(5, VALUES), 5);
    for (long step : new long[] {5, 4}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> manager.save(CrashState.of(step, VALUES), step));
      assertEquals("cannot save step " + step + " to " + dir.toRealPath() + ": step 5 is already saved, and steps"
          + " must increase", e.getMessage());
    }
    CrashState.assertWhole(manager.restore(5, CrashState.target(VALUES)), 5, VALUES);
  }

  @Test
  void emptyOrMissingDirectoryHasNothingToRestore(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("not-yet");
    assertEquals(Optional.empty(), Checkpoints.restoreLatest(missing, CrashState.target(VALUES)));
    assertEquals(OptionalLong.empty(), Checkpoints.latestStep(missing));
    assertEquals(List.of(), Checkpoints.manager(missing).steps());
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> Checkpoints.restore(dir, 3, CrashState.target(VALUES)));
    assertTrue(e.getMessage().contains("no checkpoint for step 3; saved steps: []"), e.getMessage());
  }

  @Test
  void aDamagedNewestCheckpointIsSkippedForTheNewestGoodOne(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).keep(3);
    for (long step = 1; step <= 3; step++) {
      manager.save(CrashState.of(step, VALUES), step);
    }
    Path newest = manager.file(3);
    byte[] data = Files.readAllBytes(newest);
    data[data.length / 2] ^= 0x10;
    Files.write(newest, data);

    CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
        () -> manager.restore(3, CrashState.target(VALUES)));
    assertEquals("corrupt checkpoint " + newest + ": the payload checksum does not match (damaged or torn file)",
        e.getMessage());
    Map<String, Object> restored = manager.restoreLatest(CrashState.target(VALUES)).orElseThrow();
    CrashState.assertWhole(restored, 2, VALUES);
  }

  @Test
  void aTruncatedOrHeaderDamagedFileIsSkipped(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).keep(3);
    for (long step = 1; step <= 3; step++) {
      manager.save(CrashState.of(step, VALUES), step);
    }
    byte[] three = Files.readAllBytes(manager.file(3));
    Files.write(manager.file(3), Arrays.copyOf(three, three.length - 1));
    byte[] two = Files.readAllBytes(manager.file(2));
    two[20] ^= 1; // inside the step field
    Files.write(manager.file(2), two);

    assertEquals(OptionalLong.of(1), manager.latestStep(), "latestStep skips incomplete files");
    CrashState.assertWhole(manager.restoreLatest(CrashState.target(VALUES)).orElseThrow(), 1, VALUES);
    CorruptCheckpointException truncated = assertThrows(CorruptCheckpointException.class,
        () -> manager.restore(3, CrashState.target(VALUES)));
    assertTrue(truncated.getMessage().endsWith("promises " + (three.length - 40) + " payload bytes but the file"
        + " holds " + (three.length - 41)), truncated.getMessage());
    CorruptCheckpointException header = assertThrows(CorruptCheckpointException.class,
        () -> manager.restore(2, CrashState.target(VALUES)));
    assertTrue(header.getMessage().endsWith("the header checksum does not match"), header.getMessage());

    Files.write(manager.file(1), new byte[] {1, 2, 3});
    CorruptCheckpointException none = assertThrows(CorruptCheckpointException.class,
        () -> manager.restoreLatest(CrashState.target(VALUES)));
    assertTrue(none.getMessage().contains("none of its 3 checkpoints is readable"), none.getMessage());
  }

  @Test
  void aNewerFormatVersionIsAnErrorNotSkipped(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).keep(3);
    manager.save(CrashState.of(1, VALUES), 1);
    manager.save(CrashState.of(2, VALUES), 2);
    byte[] data = Files.readAllBytes(manager.file(2));
    ByteBuffer header = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(8, 2);
    CRC32C crc = new CRC32C();
    crc.update(data, 0, 36);
    header.putInt(36, (int) crc.getValue());
    Files.write(manager.file(2), data);

    UnsupportedCheckpointFormatException e = assertThrows(UnsupportedCheckpointFormatException.class,
        () -> manager.restoreLatest(CrashState.target(VALUES)));
    assertEquals(2, e.version());
    assertTrue(e.getMessage().endsWith("has format version 2; this pytree4j reads versions up to 1"
        + " (upgrade pytree4j to restore it)"), e.getMessage());
  }

  @Test
  void aTargetOfAnotherStructureIsAnErrorNotSkipped(@TempDir Path dir) throws IOException {
    Checkpoints.save(dir, CrashState.of(1, VALUES), 1);
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> Checkpoints.restoreLatest(dir, Map.of("step", 0L)));
    assertTrue(e.getMessage().contains("expected keys ['step'] for a dict, found ['step', 'tag', 'values']"),
        e.getMessage());
  }

  @Test
  void temporaryFilesOfKilledSavesAreRemovedAndNothingElse(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir);
    Path stale = Files.write(dir.resolve(".checkpoint_4.ckpt.0123456789abcdef.tmp"), new byte[] {1});
    Path notOurs = Files.write(dir.resolve(".checkpoint_4.ckpt.tmp"), new byte[] {1});
    Path notes = Files.write(dir.resolve("notes.txt"), new byte[] {1});
    Checkpoints.save(dir, CrashState.of(1, VALUES), 1);
    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(notOurs));
    assertTrue(Files.exists(notes));
  }

  @Test
  void anUnserializableStateWritesNothing(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).keep(3);
    manager.save(CrashState.of(1, VALUES), 1);
    InvalidTreeException e = assertThrows(InvalidTreeException.class,
        () -> manager.save(Map.of("lock", new Object()), 2));
    assertTrue(e.getMessage().startsWith("cannot serialize the leaf at ['lock']"), e.getMessage());
    assertEquals(List.of(1L), manager.steps());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(".checkpoint.lock", "checkpoint_1.ckpt", "checkpoint_1.meta"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
  }
}
