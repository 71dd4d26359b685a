package org.pytree4j.samples.moons;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainTwoMoonsTest {
  @Test
  void shortSeededRunReachesTheAccuracyTheSamplePromises(@TempDir Path out) throws Exception {
    TrainTwoMoons.Result result = TrainTwoMoons.run(new SampleOptions(400, 7, out, true, 1));
    assertEquals(400, result.updates());
    assertTrue(result.accuracy() >= 0.97, "held-out accuracy of the params: " + result.accuracy());
    assertTrue(result.emaAccuracy() >= 0.97, "held-out accuracy of the EMA params: " + result.emaAccuracy());
    assertTrue(result.finalLoss() < 0.2, "final training loss: " + result.finalLoss());
    assertEquals(out.resolve("training-curves.png"), result.chart());
    byte[] head = Arrays.copyOf(Files.readAllBytes(result.chart()), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, "a PNG file");
  }

  /** With --accumulate 4 the params are updated every 4th step, on the mean gradient of 4 batches, and it learns. */
  @Test
  void accumulatingTheGradientsOfFourBatches(@TempDir Path out) throws Exception {
    TrainTwoMoons.Result result = TrainTwoMoons.run(new SampleOptions(120, 7, out, true, 4));
    assertEquals(30, result.updates());
    assertTrue(result.accuracy() >= 0.8, "held-out accuracy of the params after 30 updates: " + result.accuracy());
    assertTrue(result.finalLoss() < 0.5, "final training loss: " + result.finalLoss());
  }

  @Test
  void optionsAreParsedAndBadOnesNamed() {
    SampleOptions options = SampleOptions.parse("--steps", "12", "--seed", "3", "--out", "x", "--quiet", "--accumulate", "4");
    assertEquals(new SampleOptions(12, 3, Path.of("x"), true, 4), options);
    assertEquals(SampleOptions.defaults(), SampleOptions.parse());
    assertEquals("--steps must be a positive integer, got '0'",
        assertThrows(IllegalArgumentException.class, () -> SampleOptions.parse("--steps", "0")).getMessage());
    assertEquals("--seed must be an integer, got 'x'",
        assertThrows(IllegalArgumentException.class, () -> SampleOptions.parse("--seed", "x")).getMessage());
    assertEquals("--out needs a value",
        assertThrows(IllegalArgumentException.class, () -> SampleOptions.parse("--out")).getMessage());
    assertEquals("--accumulate must be a positive integer, got '0'",
        assertThrows(IllegalArgumentException.class, () -> SampleOptions.parse("--accumulate", "0")).getMessage());
    assertEquals("unknown option '--fast'",
        assertThrows(IllegalArgumentException.class, () -> SampleOptions.parse("--fast")).getMessage());
  }

  @Test
  void emaMovesTowardTheParams() {
    MoonsModel.MlpParams zero = MoonsModel.init(4, 1);
    MoonsModel.MlpParams ema = TrainTwoMoons.emaUpdate(zero, zero);
    assertEquals(zero.hidden().kernel(), ema.hidden().kernel());
  }
}
