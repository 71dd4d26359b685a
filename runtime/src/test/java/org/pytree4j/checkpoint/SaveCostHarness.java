package org.pytree4j.checkpoint;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: a side-by-side measurement of what a save costs the training loop, synchronous
 * against asynchronous, for states of 4, 40 and 400 MB (ten float32 arrays), each saved 6 times by
 * one manager of each kind. Prints a table of medians of saves 2 to 6 (and the first asynchronous
 * one apart); asserts nothing. Run it with
 * {@code mvn -pl runtime -am test -Dtest=SaveCostHarness -Dsurefire.failIfNoSpecifiedTests=false
 * -Dpytree4j.harness=true} on a quiet machine and note the load.
 */
class SaveCostHarness {

  @Test
  void measure(@TempDir Path dir) throws IOException {
    assumeTrue(Boolean.getBoolean("pytree4j.harness"), "a measurement, run with -Dpytree4j.harness=true");
    System.out.println("| state | sync save | async save() returns (first save) | async save() returns | async until"
        + " written | restoreLatest |");
    System.out.println("| --- | --- | --- | --- | --- | --- |");
    for (int megabytes : new int[] {4, 40, 400}) {
      Map<String, Object> state = state(megabytes);
      Map<String, Object> target = state(megabytes);
      int saves = 6;
      double[] sync = new double[saves];
      double[] returns = new double[saves];
      double[] written = new double[saves];
      double[] restore = new double[saves];
      CheckpointManager syncManager = Checkpoints.manager(Files.createDirectories(dir.resolve("sync-" + megabytes)));
      try (CheckpointManager asyncManager = Checkpoints.manager(Files.createDirectories(dir.resolve("async-" + megabytes)))
          .enableAsyncCheckpointing(true)) {
        for (int step = 0; step < saves; step++) {
          long t0 = System.nanoTime();
          syncManager.save(state, step);
          sync[step] = (System.nanoTime() - t0) / 1e6;

          long t1 = System.nanoTime();
          asyncManager.save(state, step);
          returns[step] = (System.nanoTime() - t1) / 1e6;
          asyncManager.waitUntilFinished();
          written[step] = (System.nanoTime() - t1) / 1e6;

          long t2 = System.nanoTime();
          syncManager.restoreLatest(target).orElseThrow();
          restore[step] = (System.nanoTime() - t2) / 1e6;
        }
      }
      // the first save of each manager is apart: it allocates what later saves reuse
      System.out.printf("| %d MB | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms |%n", megabytes, median(tail(sync)),
          returns[0], median(tail(returns)), median(tail(written)), median(tail(restore)));
    }
  }

  private static double[] tail(double[] values) {
    return Arrays.copyOfRange(values, 1, values.length);
  }

  private static Map<String, Object> state(int megabytes) {
    Map<String, Object> state = new LinkedHashMap<>();
    long elements = megabytes * (1L << 20) / 4 / 10;
    for (int i = 0; i < 10; i++) {
      INDArray array = Nd4j.rand(DataType.FLOAT, elements);
      state.put("w" + i, array);
    }
    return state;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

}
