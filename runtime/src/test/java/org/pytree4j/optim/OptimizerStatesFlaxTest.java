package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.pytree4j.optim.Optax.adabelief;
import static org.pytree4j.optim.Optax.adafactor;
import static org.pytree4j.optim.Optax.adagrad;
import static org.pytree4j.optim.Optax.adamax;
import static org.pytree4j.optim.Optax.lamb;
import static org.pytree4j.optim.Optax.lars;
import static org.pytree4j.optim.Optax.rmsprop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.PyTrees;
import org.pytree4j.serialization.Serialization;

/**
 * The states of the new optimizers in Flax's bytes, both ways: the states Optax keeps, written by
 * runtime/src/test/python/optimizer_states.py with flax.serialization's rules, restore into the Java
 * states {@code init} makes (so their field names, order and nesting are Optax's, placeholders
 * included) and work in an update; and the bytes Java writes for them decode in Python to the same
 * keys, dtypes, shapes and values.
 */
class OptimizerStatesFlaxTest {
  private static final Map<String, Object> PARAMS = Map.of("dense", Map.of(
      "bias", Nd4j.createFromArray(1f, 2f, 3f),
      "kernel", Nd4j.createFromArray(new float[][] {{0f, 0.125f, 0.25f}, {0.375f, 0.5f, 0.625f}})));

  /** The optimizers of optimizer_states.py, by its names. */
  static Map<String, GradientTransformation> optimizers() {
    Map<String, GradientTransformation> m = new TreeMap<>();
    m.put("adabelief", adabelief(1e-3));
    m.put("adafactor", adafactor(1e-3).minDimSizeToFactor(2).momentum(0.9));
    m.put("adagrad", adagrad(1e-2));
    m.put("adamax", adamax(1e-3));
    m.put("lamb", lamb(1e-3));
    m.put("lars", lars(0.1));
    m.put("rmsprop", rmsprop(1e-3));
    m.put("rmsprop_centered", rmsprop(1e-3).centered(true).momentum(0.9).biasCorrection(true));
    return m;
  }

  private static byte[] fixture() throws IOException {
    try (InputStream in = OptimizerStatesFlaxTest.class.getResourceAsStream("/flax-fixtures/optimizer_states.msgpack")) {
      assertTrue(in != null, "missing test resource flax-fixtures/optimizer_states.msgpack");
      return in.readAllBytes();
    }
  }

  private static Map<String, Object> restored() throws IOException {
    Map<String, Object> templates = new TreeMap<>();
    optimizers().forEach((name, tx) -> templates.put(name, tx.init(PARAMS)));
    return Serialization.fromBytes(templates, fixture());
  }

  /** optimizer_states.py's {@code params(scale)}: bias[j] = scale (j + 1), kernel[i, j] = scale (3i + j) / 8. */
  private static void assertParamsLike(Object tree, double scale, String what) {
    Map<?, ?> dense = (Map<?, ?>) ((Map<?, ?>) tree).get("dense");
    double[] bias = Arrays32.values((INDArray) dense.get("bias"));
    double[] kernel = Arrays32.values((INDArray) dense.get("kernel"));
    for (int j = 0; j < 3; j++) {
      assertEquals((float) (scale * (j + 1)), bias[j], 0.0, what + " bias");
    }
    for (int k = 0; k < 6; k++) {
      assertEquals((float) (scale * k / 8), kernel[k], 0.0, what + " kernel");
    }
  }

  private static INDArray leaf(Object tree, String name) {
    return (INDArray) ((Map<?, ?>) ((Map<?, ?>) tree).get("dense")).get(name);
  }

  @Test
  void optaxStatesRestoreIntoTheJavaStates() throws IOException {
    Map<String, Object> states = restored();
    ScaleByBeliefState belief = ((ChainState) states.get("adabelief")).get(0, ScaleByBeliefState.class);
    assertEquals(3, belief.count());
    assertParamsLike(belief.mu(), 0.5, "adabelief mu");
    assertParamsLike(belief.nu(), 0.25, "adabelief nu");

    ChainState adafactor = (ChainState) states.get("adafactor");
    assertEquals(6, adafactor.size());
    FactoredState factored = adafactor.get(0, FactoredState.class);
    assertEquals(7, factored.count());
    assertArrayEquals(new double[] {0.5, 1.5}, Arrays32.values(leaf(factored.vRow(), "kernel")), 0.0);
    assertArrayEquals(new double[] {0.25, 0.75, 1.25}, Arrays32.values(leaf(factored.vCol(), "kernel")), 0.0);
    assertArrayEquals(new double[] {1, 2, 3}, Arrays32.values(leaf(factored.v(), "bias")), 0.0);
    for (Object placeholder : List.of(leaf(factored.vRow(), "bias"), leaf(factored.vCol(), "bias"),
        leaf(factored.v(), "kernel"))) {
      assertArrayEquals(new long[] {1}, ((INDArray) placeholder).shape(), "Optax's shape-(1,) placeholder");
    }
    EmaState ema = adafactor.get(4, EmaState.class);
    assertEquals(7, ema.count());
    assertParamsLike(ema.ema(), -0.25, "adafactor momentum");

    assertParamsLike(((ChainState) states.get("adagrad")).get(0, ScaleByRssState.class).sumOfSquares(), 0.75, "adagrad");
    ScaleByAdamState adamax = ((ChainState) states.get("adamax")).get(0, ScaleByAdamState.class);
    assertEquals(5, adamax.count());
    assertParamsLike(adamax.nu(), 2.0, "adamax nu");
    assertEquals(11, ((ChainState) states.get("lamb")).get(0, ScaleByAdamState.class).count());
    ChainState lars = (ChainState) states.get("lars");
    assertInstanceOf(EmptyState.class, lars.get(0, MaskedState.class).innerState());
    assertInstanceOf(EmptyState.class, lars.get(1, MaskedState.class).innerState());
    assertParamsLike(lars.get(3, TraceState.class).trace(), -1.5, "lars trace");
    assertParamsLike(((ChainState) states.get("rmsprop")).get(0, ScaleByRmsState.class).nu(), 3.0, "rmsprop nu");
    ChainState centered = (ChainState) states.get("rmsprop_centered");
    ScaleByRStdDevWithCountState stddev = centered.get(0, ScaleByRStdDevWithCountState.class);
    assertEquals(2, stddev.count());
    assertParamsLike(stddev.nu(), 4.0, "rmsprop_centered nu");
    assertParamsLike(centered.get(2, TraceState.class).trace(), 1.0, "rmsprop_centered trace");
  }

  /** A restored state is a working state: an update from it gives finite updates and a state of the same structure. */
  @Test
  void restoredStatesUpdate() throws IOException {
    Map<String, Object> states = restored();
    Object grads = PyTrees.map((INDArray p) -> p.mul(0.5).addi(0.25), PARAMS);
    optimizers().forEach((name, tx) -> {
      OptState state = (OptState) states.get(name);
      UpdateResult r = tx.update(grads, state, PARAMS);
      assertEquals(PyTrees.structure(state), PyTrees.structure(r.state()), name);
      for (double[] u : Arrays32.leafValues(r.updates())) {
        for (double x : u) {
          assertTrue(Double.isFinite(x), name + " update " + x);
        }
      }
    });
  }

  /** Java's bytes for the restored states decode in Python to Optax's layout and the same values. */
  @Test
  void javaBytesDecodeInPythonToOptaxsStates(@TempDir Path dir) throws IOException, InterruptedException {
    String python = findPython();
    assumeTrue(python != null, "no Python with msgpack and numpy (tried /usr/bin/python3, python3); install with:"
        + " apt-get install -y python3-msgpack python3-numpy");
    Path file = dir.resolve("java_optimizer_states.msgpack");
    Files.write(file, Serialization.toBytes(restored()));
    Path script = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "src", "test", "python",
        "optimizer_states.py");
    Process p = new ProcessBuilder(python, script.toString(), "check", file.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
    assertEquals(0, p.exitValue(), "optimizer_states.py check said:\n" + output);
    assertTrue(output.startsWith("OK"), output);
  }

  private static String findPython() throws InterruptedException {
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      try {
        Process p = new ProcessBuilder(candidate, "-c", "import msgpack, numpy").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (IOException e) {
        // not this one
      }
    }
    System.err.println("OptimizerStatesFlaxTest: Python check SKIPPED, no Python with msgpack and numpy");
    return null;
  }
}
