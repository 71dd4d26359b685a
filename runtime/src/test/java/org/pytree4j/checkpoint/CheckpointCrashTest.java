package org.pytree4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pytree4j.testing.ChildJvm;

/**
 * Kills a saving child JVM (SIGKILL) at random moments, again and again, and checks after every kill
 * that the newest checkpoint restores whole: a save killed at any point never damages or removes it,
 * and never leaves a checkpoint (or its metadata) half written. The same trials kill a child that
 * saves asynchronously, where the kill lands while its background thread writes.
 */
class CheckpointCrashTest {
  private static final int VALUES = 20_000;
  private static final int KILLS = 24;

  @Test
  void killedSavesNeverLoseTheNewestGoodCheckpoint(@TempDir Path dir) throws Exception {
    crashTrials(dir, "sync", 7L);
  }

  @Test
  void killedAsynchronousSavesNeverLoseTheNewestGoodCheckpoint(@TempDir Path dir) throws Exception {
    crashTrials(dir, "async", 8L);
  }

  private static void crashTrials(Path dir, String mode, long seed) throws Exception {
    Random random = new Random(seed);
    CheckpointManager manager = Checkpoints.manager(dir).keep(2);
    long lastSeen = 0;
    int killsDuringWrite = 0;
    List<String> log = new ArrayList<>();
    for (int kill = 0; kill < KILLS; kill++) {
      // kill during start-up or the first save, or after one or two saves: at varied points of a write
      int savesFirst = random.nextInt(3);
      int delayMillis = random.nextInt(300);
      try (ChildJvm child = ChildJvm.start(SaveLoopMain.class, dir.toString(), Integer.toString(VALUES), "2", "0",
          "-1", "1", mode)) {
        assertEquals("ready", child.nextLine(60));
        for (int i = 0; i < savesFirst; i++) {
          String line = child.nextLine(60);
          assertTrue(line.startsWith("saved "), line);
        }
        Thread.sleep(delayMillis);
        child.kill();
        int saves = savesFirst + (int) child.drain().stream().filter(l -> l.startsWith("saved ")).count();
        boolean tempLeft = temporaryFiles(dir) > 0;
        killsDuringWrite += tempLeft ? 1 : 0;

        Optional<Map<String, Object>> restored = manager.restoreLatest(CrashState.target(VALUES));
        if (lastSeen > 0) {
          assertTrue(restored.isPresent(), "kill " + kill + " lost every checkpoint");
        }
        if (restored.isPresent()) {
          long step = (Long) restored.get().get("step");
          CrashState.assertWhole(restored.get(), step, VALUES);
          assertTrue(step >= lastSeen, "kill " + kill + " went back from step " + lastSeen + " to " + step);
          assertEquals(step, manager.latestStep().orElseThrow());
          lastSeen = step;
        }
        for (CheckpointInfo info : manager.checkpoints()) {
          CrashState.assertWhole(manager.restore(info.step(), CrashState.target(VALUES)), info.step(), VALUES);
          assertEquals(java.util.Optional.of(Map.of("step", (double) info.step())), info.metrics(),
              "kill " + kill + ": the metadata of step " + info.step());
        }
        log.add("kill " + kill + " " + delayMillis + " ms after save " + savesFirst + ": " + saves + " saves, newest step " + lastSeen
            + (tempLeft ? ", killed mid-write" : ""));
      }
    }
    System.out.println(mode + " saves:\n" + String.join("\n", log));
    assertTrue(lastSeen >= KILLS / 2, "the children made progress: newest step " + lastSeen);
    assertTrue(killsDuringWrite > 0, "some kills interrupted a write (left a temporary file): " + log);

    manager.save(CrashState.of(lastSeen + 1, VALUES), lastSeen + 1);
    assertEquals(0, temporaryFiles(dir), "the next save removed the temporary files of killed saves");
    assertEquals(List.of(lastSeen, lastSeen + 1), manager.steps());
  }

  private static long temporaryFiles(Path dir) throws java.io.IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
    }
  }
}
