package org.pytree4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Orbax's {@code CheckpointManagerOptions} under their camelCase names, with Orbax's semantics
 * ({@code checkpoint_manager.py}: {@code should_save}, {@code _get_old_steps_to_remove}). Where a
 * result is worked out by hand from those rules the comment says how.
 */
class OrbaxOptionsTest {
  private static final int VALUES = 10;

  /** Saves steps {@code from..to}; returns those {@code save} said it saved. */
  private static List<Long> saveSteps(CheckpointManager manager, long from, long to) throws IOException {
    List<Long> saved = new ArrayList<>();
    for (long step = from; step <= to; step++) {
      if (manager.save(CrashState.of(step, VALUES), step)) {
        saved.add(step);
      }
    }
    return saved;
  }

  @Test
  void saveIntervalStepsSavesMultiplesAndTheFirstStep(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).maxToKeep(Integer.MAX_VALUE).saveIntervalSteps(3);
    // should_save: no checkpoint yet -> save; else step % save_interval_steps == 0
    assertEquals(List.of(1L, 3L, 6L, 9L), saveSteps(manager, 1, 10));
    assertEquals(List.of(1L, 3L, 6L, 9L), manager.steps());
    assertFalse(manager.shouldSave(11));
    assertTrue(manager.shouldSave(12));
    assertFalse(manager.shouldSave(9), "never a step not after the latest");
  }

  @Test
  void saveOnStepsAddsStepsOffTheInterval(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).maxToKeep(Integer.MAX_VALUE).saveIntervalSteps(5)
        .saveOnSteps(7, 11);
    assertEquals(List.of(1L, 5L, 7L, 10L, 11L), saveSteps(manager, 1, 12));
  }

  @Test
  void shouldSaveFnDecidesInsteadOfTheIntervalAndSeesTheLatestStep(@TempDir Path dir) throws IOException {
    List<String> asked = new ArrayList<>();
    CheckpointManager manager = Checkpoints.manager(dir).maxToKeep(Integer.MAX_VALUE).saveIntervalSteps(2)
        .shouldSaveFn((step, latest) -> {
          asked.add(step + "/" + (latest.isPresent() ? latest.getAsLong() : "none"));
          return latest.isEmpty() || step - latest.getAsLong() >= 4;
        });
    assertEquals(List.of(1L, 5L, 9L), saveSteps(manager, 1, 10));
    assertEquals(List.of("1/none", "2/1", "3/1", "4/1", "5/1", "6/5", "7/5", "8/5", "9/5", "10/9"), asked);
  }

  @Test
  void forceSavesOffTheIntervalButNeverAnOldStep(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).maxToKeep(Integer.MAX_VALUE).saveIntervalSteps(100);
    assertTrue(manager.save(CrashState.of(1, VALUES), 1));
    assertFalse(manager.save(CrashState.of(7, VALUES), 7));
    assertTrue(manager.save(CrashState.of(7, VALUES), 7, null, true));
    assertEquals(List.of(1L, 7L), manager.steps());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> manager.save(CrashState.of(7, VALUES), 7, null, true));
    assertTrue(e.getMessage().endsWith("step 7 is already saved, and steps must increase"), e.getMessage());
  }

  @Test
  void maxToKeepWithKeepPeriod(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).maxToKeep(2).keepPeriod(4);
    saveSteps(manager, 1, 12);
    // each save removes what is neither among the newest 2 nor a multiple of 4
    assertEquals(List.of(4L, 8L, 11L, 12L), manager.steps());
    assertThrows(IllegalArgumentException.class, () -> manager.maxToKeep(0));
  }

  /**
   * Pax's test of Orbax's keep_time_interval (test_save_checkpoint_keep_interval_timedelta): saves
   * every 1000 steps, one hour apart, keeping 2 and one every 2 hours.
   */
  @Test
  void keepTimeIntervalKeepsOneCheckpointPerIntervalAsOrbaxDoes(@TempDir Path dir) throws IOException {
    MutableClock clock = new MutableClock(Instant.parse("2024-06-11T00:00:00Z"));
    CheckpointManager manager = Checkpoints.manager(dir).withClock(clock).saveIntervalSteps(1000).maxToKeep(2)
        .keepTimeInterval(Duration.ofHours(2));
    for (long step = 0; step < 10_000; step += 1000) {
      assertTrue(manager.save(CrashState.of(step, VALUES), step));
      clock.now = clock.now.plus(Duration.ofHours(1));
    }
    assertEquals(List.of(0L, 2000L, 4000L, 6000L, 8000L, 9000L), manager.steps());
  }

  @Test
  void bestFnKeepsTheBestByMaxOrMin(@TempDir Path dir) throws IOException {
    double[] accuracy = {0.5, 0.9, 0.7, 0.95, 0.6, 0.8};
    CheckpointManager max = Checkpoints.manager(dir.resolve("max")).maxToKeep(2)
        .bestFn(m -> (Double) m.get("accuracy"));
    for (int i = 0; i < accuracy.length; i++) {
      max.save(CrashState.of(i + 1, VALUES), i + 1, Map.of("accuracy", accuracy[i]));
    }
    // each save ranks all checkpoints by accuracy and removes all but the best 2, the new one too
    assertEquals(List.of(2L, 4L), max.steps());
    assertEquals(OptionalLong.of(4), max.bestStep());

    double[] loss = {0.5, 0.9, 0.7, 0.3, 0.6, 0.8};
    CheckpointManager min = Checkpoints.manager(dir.resolve("min")).maxToKeep(2).bestMode(BestMode.MIN)
        .bestFn(m -> (Double) m.get("loss"));
    for (int i = 0; i < loss.length; i++) {
      min.save(CrashState.of(i + 1, VALUES), i + 1, Map.of("loss", loss[i]));
    }
    assertEquals(List.of(1L, 4L), min.steps());
    assertEquals(OptionalLong.of(4), min.bestStep());
    assertEquals(OptionalLong.of(1), Checkpoints.manager(dir.resolve("min")).bestFn(m -> (Double) m.get("loss"))
        .bestStep(), "by the metrics on disk: loss 0.5 at step 1 is the max");
  }

  @Test
  void checkpointsWithoutMetricsAreKeptUnlessToldOtherwise(@TempDir Path dir) throws IOException {
    for (boolean keepWithout : new boolean[] {true, false}) {
      CheckpointManager manager = Checkpoints.manager(dir.resolve("keep-" + keepWithout)).maxToKeep(1)
          .bestFn(m -> (Double) m.get("accuracy")).keepCheckpointsWithoutMetrics(keepWithout);
      manager.save(CrashState.of(1, VALUES), 1);
      manager.save(CrashState.of(2, VALUES), 2, Map.of("accuracy", 0.5));
      manager.save(CrashState.of(3, VALUES), 3, Map.of("accuracy", 0.7));
      // true: step 1 (no metrics) is always kept; false: it ranks below every checkpoint with metrics
      assertEquals(keepWithout ? List.of(1L, 3L) : List.of(3L), manager.steps(), "keepWithout " + keepWithout);
    }
  }

  @Test
  void checkpointsWhoseMetricsBestFnCannotRankCountAsWithoutMetrics(@TempDir Path dir) throws IOException {
    Checkpoints.manager(dir).maxToKeep(5).save(CrashState.of(1, VALUES), 1, Map.of("loss", 0.1)); // an earlier run
    CheckpointManager manager = Checkpoints.manager(dir).maxToKeep(1).bestFn(m -> (Double) m.get("accuracy"));
    manager.save(CrashState.of(2, VALUES), 2, Map.of("accuracy", 0.5));
    manager.save(CrashState.of(3, VALUES), 3, Map.of("accuracy", 0.7));
    assertEquals(List.of(1L, 3L), manager.steps(), "step 1 is kept as a checkpoint without metrics");
  }

  @Test
  void aBestFnThatFailsOnTheMetricsFailsTheSaveBeforeWriting(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir).bestFn(m -> (Double) m.get("accuracy"));
    assertThrows(NullPointerException.class, () -> manager.save(CrashState.of(1, VALUES), 1, Map.of("loss", 1.0)));
    assertEquals(List.of(), manager.steps());
  }

  @Test
  void metadataListsStepTimeAndMetricsWithoutRestoring(@TempDir Path dir) throws IOException {
    MutableClock clock = new MutableClock(Instant.parse("2024-06-11T12:30:00.123456789Z"));
    CheckpointManager manager = Checkpoints.manager(dir).withClock(clock).maxToKeep(5);
    manager.save(CrashState.of(1, VALUES), 1, Map.of("loss", 0.25, "epoch", 3L, "split", "train"));
    clock.now = clock.now.plusSeconds(60);
    manager.save(CrashState.of(2, VALUES), 2);

    List<CheckpointInfo> infos = manager.checkpoints();
    assertEquals(2, infos.size());
    assertEquals(new CheckpointInfo(1, Instant.parse("2024-06-11T12:30:00.123456789Z"),
        java.util.Optional.of(Map.of("loss", 0.25, "epoch", 3L, "split", "train"))), infos.get(0));
    assertEquals(new CheckpointInfo(2, Instant.parse("2024-06-11T12:31:00.123456789Z"), java.util.Optional.empty()),
        infos.get(1));
    assertEquals(java.util.Optional.of(Map.of("loss", 0.25, "epoch", 3L, "split", "train")), manager.metrics(1));

    // the metadata file is Flax msgpack, for msgpack_restore in Python too
    Map<?, ?> raw = (Map<?, ?>) org.pytree4j.serialization.Serialization.msgpackRestore(
        java.nio.file.Files.readAllBytes(dir.resolve("checkpoint_1.meta")));
    assertEquals(List.of("version", "step", "time", "metrics"), new ArrayList<>(raw.keySet()));
    assertEquals(1L, raw.get("step"));
    assertEquals("2024-06-11T12:30:00.123456789Z", raw.get("time"));
  }

  @Test
  void aCheckpointWithoutMetadataListsItsFileTime(@TempDir Path dir) throws IOException {
    CheckpointManager manager = Checkpoints.manager(dir);
    manager.save(CrashState.of(1, VALUES), 1, Map.of("loss", 1.0));
    java.nio.file.Files.delete(dir.resolve("checkpoint_1.meta")); // as saved before metadata files existed
    Instant modified = java.nio.file.Files.getLastModifiedTime(manager.file(1)).toInstant();
    assertEquals(List.of(new CheckpointInfo(1, modified, java.util.Optional.empty())), manager.checkpoints());
    CrashState.assertWhole(manager.restoreLatest(CrashState.target(VALUES)).orElseThrow(), 1, VALUES);
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
