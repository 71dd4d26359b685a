package org.pytree4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pytree4j.testing.ChildJvm;

/**
 * A process polling a checkpoint directory while another saves to it with {@code keep(1)}, so every
 * save deletes the file the reader may just have listed. Reading needs no lock and must never fail:
 * every {@code restoreLatest} returns a whole state no older than the last one, and
 * {@code latestStep}, {@code steps} and {@code checkpoints} never throw.
 *
 * <p>Each phase (a synchronous saver, then an asynchronous one) runs for
 * {@code pytree4j.concurrency.seconds} (default 1; the {@code long-tests} profile runs 12).
 */
class ReaderBesideWriterTest {
  private static final int VALUES = 200;

  @Test
  void aReaderBesideASyncSaverNeverFails(@TempDir Path dir) throws Exception {
    readBeside(dir, "sync");
  }

  @Test
  void aReaderBesideAnAsyncSaverNeverFails(@TempDir Path dir) throws Exception {
    readBeside(dir, "async");
  }

  private static void readBeside(Path dir, String mode) throws Exception {
    double seconds = Double.parseDouble(System.getProperty("pytree4j.concurrency.seconds", "1"));
    CheckpointManager reader = Checkpoints.manager(dir);
    List<String> errors = new ArrayList<>();
    int restores = 0;
    int listings = 0;
    long lastStep = -1;
    long firstStep = -1;
    try (ChildJvm saver = ChildJvm.start(SaveLoopMain.class, dir.toString(), Integer.toString(VALUES), "1", "0", "1",
        "1", mode)) {
      assertEquals("ready", saver.nextLine(60));
      long waitUntil = System.nanoTime() + 60_000_000_000L;
      while (reader.steps().isEmpty() && System.nanoTime() < waitUntil) {
        Thread.sleep(5);
      }
      long deadline = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < deadline && errors.size() < 10) {
        try {
          Optional<Map<String, Object>> restored = reader.restoreLatest(CrashState.target(VALUES));
          if (restored.isEmpty()) {
            errors.add("restoreLatest found no checkpoint");
            continue;
          }
          long step = (Long) restored.get().get("step");
          CrashState.assertWhole(restored.get(), step, VALUES);
          if (step < lastStep) {
            errors.add("went back from step " + lastStep + " to " + step);
          }
          firstStep = firstStep < 0 ? step : firstStep;
          lastStep = step;
          restores++;

          OptionalLong latest = reader.latestStep();
          if (latest.isEmpty() || latest.getAsLong() < step) {
            errors.add("latestStep " + latest + " after restoring step " + step);
          }
          for (CheckpointInfo info : reader.checkpoints()) {
            if (!info.metrics().orElseThrow().equals(Map.of("step", (double) info.step()))) {
              errors.add("metadata of step " + info.step() + " says " + info);
            }
          }
          if (reader.steps().isEmpty()) {
            errors.add("steps() listed nothing");
          }
          listings++;
        } catch (Exception | AssertionError e) {
          errors.add(e.toString());
        }
      }
      assertTrue(saver.process().isAlive(), "the saver kept saving");
    }
    System.out.println(mode + " saver, " + seconds + " s: " + restores + " restores of steps " + firstStep + " to "
        + lastStep + ", " + listings + " listings, " + errors.size() + " errors");
    assertEquals(List.of(), errors);
    assertTrue(lastStep - firstStep >= 2, "the saver saved while the reader read: steps " + firstStep + " to " + lastStep);
    CrashState.assertWhole(reader.restoreLatest(CrashState.target(VALUES)).orElseThrow(),
        reader.latestStep().orElseThrow(), VALUES);
  }
}
