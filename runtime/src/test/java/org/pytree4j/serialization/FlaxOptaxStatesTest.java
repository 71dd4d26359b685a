package org.pytree4j.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.multiSteps;
import static org.pytree4j.optim.Optax.partition;
import static org.pytree4j.optim.Optax.setToZero;
import static org.pytree4j.optim.Optax.skipNotFinite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pytree4j.examples.Dense;
import org.pytree4j.optim.Arrays32;
import org.pytree4j.optim.ChainState;
import org.pytree4j.optim.EmptyState;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.Labels;
import org.pytree4j.optim.MaskedNode;
import org.pytree4j.optim.MultiSteps;
import org.pytree4j.optim.MultiStepsState;
import org.pytree4j.optim.PartitionState;
import org.pytree4j.optim.ScaleByAdamState;
import org.pytree4j.train.ApplyFn;
import org.pytree4j.train.TrainState;
import org.pytree4j.train.TrainStatePyTree;

/**
 * Flax train states of Optax's wrappers, written by runtime/src/test/python/make_fixtures.py, restore
 * into the Java state records, continue training, and load back in Python. The script mirrors
 * {@code flax.serialization.to_bytes} (flax_msgpack.py) and Optax's states as namedtuples with
 * Optax's fields ({@code PartitionState(inner_states)}, {@code MaskedState(inner_state)},
 * {@code MaskedNode()}, {@code MultiStepsState(mini_step, gradient_step, inner_opt_state, acc_grads,
 * skip_state)}, {@code ScaleByAdamState(count, mu, nu)}, {@code EmptyState()}), the values being its
 * formulas, repeated here. Neither Flax nor Optax can be installed here (no PyPI).
 */
class FlaxOptaxStatesTest {
  private static final ApplyFn<Map<String, Object>> APPLY = (params, input) -> input;

  /** make_fixtures.layer: bias[j] = scale * (j + 1), kernel[i, j] = scale * (cols * i + j) / 8, as a Dense. */
  static Dense layer(double scale, int rows, int cols) {
    double[] bias = new double[cols];
    for (int j = 0; j < cols; j++) {
      bias[j] = scale * (j + 1);
    }
    double[] kernel = new double[rows * cols];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = scale * i / 8;
    }
    return new Dense(Arrays32.f32(kernel, rows, cols), Arrays32.vec(bias));
  }

  /** make_fixtures.two_layers. */
  static Map<String, Object> twoLayers(double scale) {
    return Map.of("backbone", layer(scale, 2, 3), "head", layer(scale, 3, 2));
  }

  static GradientTransformation partitionTx() {
    return chain(clipByGlobalNorm(1.0), partition(Map.of("frozen", setToZero(), "trainable", adam(1e-3)),
        Labels.of(Map.of("backbone", "frozen", "head", "trainable"))));
  }

  static TrainState<Map<String, Object>> restoredPartitionState() throws IOException {
    TrainState<Map<String, Object>> target = TrainStatePyTree.create(APPLY, twoLayers(0), partitionTx());
    return Serialization.fromBytes(target, FlaxFixturesTest.fixture("partition_train_state.msgpack"));
  }

  /** chain(clip_by_global_norm, partition(frozen: set_to_zero, trainable: adam)) with a prefix label tree. */
  @Test
  void aFlaxPartitionStateRestoresIntoTheJavaRecords() throws IOException {
    TrainState<Map<String, Object>> restored = restoredPartitionState();
    assertEquals(7, restored.step());
    Arrays32.assertSameBits(twoLayers(1), restored.params(), "params");
    ChainState chain = (ChainState) restored.optState();
    assertEquals(new EmptyState(), chain.get(0));
    PartitionState partition = chain.get(1, PartitionState.class);
    assertEquals(List.of("frozen", "trainable"), List.copyOf(partition.innerStates().keySet()));
    assertEquals(new EmptyState(), partition.innerState("frozen").innerState());
    ChainState adamChain = (ChainState) partition.innerState("trainable").innerState();
    assertEquals(new EmptyState(), adamChain.get(1));
    ScaleByAdamState adam = adamChain.get(0, ScaleByAdamState.class);
    assertEquals(7, adam.count());
    assertSame(MaskedNode.INSTANCE, ((Map<?, ?>) adam.mu()).get("backbone"), "{} restores as MaskedNode()");
    Arrays32.assertSameBits(layer(0.5, 3, 2), ((Map<?, ?>) adam.mu()).get("head"), "mu");
    Arrays32.assertSameBits(layer(0.25, 3, 2), ((Map<?, ?>) adam.nu()).get("head"), "nu");

    // training goes on from it: the backbone stays as it is, adam counts on
    TrainState<Map<String, Object>> next = restored.applyGradients(Arrays32.randomLike(new Random(1), restored.params()));
    Arrays32.assertSameBits(restored.params().get("backbone"), next.params().get("backbone"), "frozen backbone");
    ScaleByAdamState after = ((ChainState) ((ChainState) next.optState()).get(1, PartitionState.class)
        .innerState("trainable").innerState()).get(0, ScaleByAdamState.class);
    assertEquals(8, after.count());
  }

  static MultiSteps multiStepsTx(boolean withSkip) {
    MultiSteps tx = multiSteps(adam(1e-3), 4);
    return withSkip ? tx.shouldSkipUpdate(skipNotFinite()) : tx;
  }

  static TrainState<Map<String, Object>> restoredMultiStepsState(boolean withSkip) throws IOException {
    TrainState<Map<String, Object>> target = TrainStatePyTree.create(APPLY, TestStates.params(0), multiStepsTx(withSkip));
    return Serialization.fromBytes(target, FlaxFixturesTest.fixture(
        withSkip ? "multi_steps_skip_train_state.msgpack" : "multi_steps_train_state.msgpack"));
  }

  /** MultiSteps(adam(1e-3), 4), with and without skip_not_finite: its state and its skip state. */
  @Test
  void aFlaxMultiStepsStateRestoresIntoTheJavaRecords() throws IOException {
    for (boolean withSkip : new boolean[] {false, true}) {
      TrainState<Map<String, Object>> restored = restoredMultiStepsState(withSkip);
      assertEquals(10, restored.step());
      Arrays32.assertSameBits(TestStates.params(1), restored.params(), "params");
      MultiStepsState s = (MultiStepsState) restored.optState();
      assertEquals(2, s.miniStep());
      assertEquals(2, s.gradientStep());
      ScaleByAdamState adam = s.innerOptState().get(0, ScaleByAdamState.class);
      assertEquals(2, adam.count());
      Arrays32.assertSameBits(TestStates.params(0.5), adam.mu(), "mu");
      Arrays32.assertSameBits(TestStates.params(0.25), adam.nu(), "nu");
      Arrays32.assertSameBits(TestStates.params(-0.125), s.accGrads(), "acc_grads");
      assertEquals(withSkip ? Map.of("num_not_finite", 3, "should_skip", true) : List.of(), s.skipState());

      // two more mini-steps complete the third gradient step
      MultiSteps tx = multiStepsTx(withSkip);
      TrainState<Map<String, Object>> next = restored;
      Random random = new Random(2);
      for (int i = 0; i < 2; i++) {
        next = next.applyGradients(Arrays32.randomLike(random, next.params()));
      }
      assertTrue(tx.hasUpdated(next.optState()));
      assertEquals(3, ((MultiStepsState) next.optState()).gradientStep());
    }
  }

  /** The restored states, written by Java, load in Python with Flax's rules into Optax's namedtuples. */
  @Test
  void javaWrittenStatesLoadInPython(@TempDir Path dir) throws Exception {
    PythonInteropTest.findPython();
    PythonInteropTest.assumePython();
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("multi_steps", restoredMultiStepsState(false));
    all.put("multi_steps_skip", restoredMultiStepsState(true));
    all.put("partition", restoredPartitionState());
    Path file = dir.resolve("java_optax_states.msgpack");
    Files.write(file, Serialization.toBytes(all));
    String output = PythonInteropTest.run(PythonInteropTest.script("check_java_optax_states.py").toString(),
        file.toString());
    assertTrue(output.startsWith("OK: "), output);
  }

  /** A Java state made by init writes {} where Optax has a MaskedNode, and its keys are Optax's. */
  @Test
  void aJavaInitStateHasTheLayoutFlaxWrites() throws IOException {
    TrainState<Map<String, Object>> javaMade = TrainStatePyTree.create(APPLY, twoLayers(1), partitionTx());
    Map<?, ?> restoredDict = (Map<?, ?>) Serialization.msgpackRestore(FlaxFixturesTest.fixture("partition_train_state.msgpack"));
    Map<String, Object> javaDict = Serialization.toStateDict(javaMade);
    assertEquals(keys(restoredDict), keys(javaDict), "the same keys all the way down");
  }

  /** Every key path of a state dict's nested maps, leaves aside. */
  private static List<String> keys(Map<?, ?> dict) {
    List<String> out = new java.util.ArrayList<>();
    collect(dict, "", out);
    out.sort(null);
    return out;
  }

  private static void collect(Map<?, ?> dict, String prefix, List<String> out) {
    for (Map.Entry<?, ?> e : dict.entrySet()) {
      String path = prefix + "/" + e.getKey();
      out.add(path);
      if (e.getValue() instanceof Map<?, ?> m) {
        collect(m, path, out);
      }
    }
  }
}
