package org.pytree4j.samples.batchnorm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pytree4j.random.PRNGKey;
import org.pytree4j.serialization.Serialization;

class TrainBatchNormTest {
  /** The accuracy docs/train-state.md states for the sample. */
  static final double STATED_ACCURACY = 0.95;

  @Test
  void trainsToTheStatedAccuracyWithMetricsFromTheAux() throws Exception {
    TrainBatchNorm.Result result = TrainBatchNorm.run(new TrainBatchNorm.Options(300, 3, null, 150, true));
    assertEquals(300, result.state().step());
    assertEquals(300, result.losses().size());
    assertTrue(result.accuracy() >= STATED_ACCURACY, "held-out accuracy in evaluation mode: " + result.accuracy());
    double lastAccuracies = result.accuracies().subList(250, 300).stream().mapToDouble(Double::doubleValue)
        .average().orElseThrow();
    assertTrue(lastAccuracies >= 0.9, "training-batch accuracy from the aux logits, last 50 steps: " + lastAccuracies);
    assertTrue(result.losses().get(299) < result.losses().get(0) / 2,
        "loss " + result.losses().get(0) + " -> " + result.losses().get(299));
    // the running statistics moved from their initial mean 0 and variance 1
    double mean = result.state().batchStats().bn().mean().norm2Number().doubleValue();
    assertTrue(mean > 0.1, "running mean norm: " + mean);
  }

  /**
   * A run saved at step 60 and stopped, then resumed from the checkpoint, ends exactly where the
   * uninterrupted run ends (same bytes), and evaluation after the restore equals evaluation before.
   */
  @Test
  void restoredMidRunContinuesIdentically(@TempDir Path dir) throws Exception {
    TrainBatchNorm.Result uninterrupted = TrainBatchNorm.run(new TrainBatchNorm.Options(120, 5, dir.resolve("a"), 60, true));
    TrainBatchNorm.Result firstHalf = TrainBatchNorm.run(new TrainBatchNorm.Options(60, 5, dir.resolve("b"), 60, true));
    TrainBatchNorm.Result resumed = TrainBatchNorm.run(new TrainBatchNorm.Options(120, 5, dir.resolve("b"), 60, true));

    assertEquals(0, firstHalf.startStep());
    assertEquals(60, resumed.startStep(), "the second run starts from the checkpoint");
    assertEquals(60, resumed.losses().size());
    assertEquals(uninterrupted.losses().subList(60, 120), resumed.losses(), "the same losses, step by step");
    assertArrayEquals(Serialization.toBytes(uninterrupted.state()), Serialization.toBytes(resumed.state()),
        "params, batch statistics, optimizer state, key and step all equal to the bit");
    assertEquals(uninterrupted.state().key(), resumed.state().key());
    assertArrayEquals(floats(firstHalf.evalAtSave()), floats(resumed.evalAtSave()),
        "evaluation after the restore equals evaluation before, to the bit");
    assertArrayEquals(floats(uninterrupted.evalAtSave()), floats(firstHalf.evalAtSave()));
    assertEquals(PRNGKey.of(5).split(2)[1], resumed.state().key(), "the dropout key, restored from the checkpoint");
  }

  private static float[] floats(org.nd4j.linalg.api.ndarray.INDArray a) {
    return a.dup('c').data().asFloat();
  }

  @Test
  void optionsAreParsedAndBadOnesNamed() {
    TrainBatchNorm.Options options = TrainBatchNorm.Options.parse("--steps", "10", "--seed", "2", "--checkpoints", "x",
        "--save-at", "4", "--quiet");
    assertEquals(new TrainBatchNorm.Options(10, 2, Path.of("x"), 4, true), options);
    assertEquals(200, TrainBatchNorm.Options.parse().saveAt());
    assertEquals("--steps must be a positive integer, got '0'",
        assertThrows(IllegalArgumentException.class, () -> TrainBatchNorm.Options.parse("--steps", "0")).getMessage());
    assertEquals("unknown option '--fast'",
        assertThrows(IllegalArgumentException.class, () -> TrainBatchNorm.Options.parse("--fast")).getMessage());
  }
}
