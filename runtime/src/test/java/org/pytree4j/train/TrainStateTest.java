package org.pytree4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Arrays32.assertLeafClose;
import static org.pytree4j.optim.Arrays32.leafValues;
import static org.pytree4j.optim.Arrays32.values;
import static org.pytree4j.optim.Optax.LEARNING_RATE;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.schedule.Schedules.warmupCosineDecay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeMismatchException;
import org.pytree4j.examples.Dense;
import org.pytree4j.optim.Arrays32;
import org.pytree4j.optim.ChainState;
import org.pytree4j.optim.Float64Reference;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.InjectHyperparamsState;
import org.pytree4j.optim.ScaleByAdamState;

/**
 * Generated {@code create}/{@code applyGradients} against Flax's TrainState semantics and a float64
 * reference that follows Optax's formulas.
 */
class TrainStateTest {
  private static final int STEPS = 25;
  private static final double RTOL = 1e-5;
  private static final ApplyFn<Map<String, Object>> APPLY = (params, x) -> x;

  /** {'dense': Dense(kernel[3,4], bias[4]), 'head': {'w': [4,2]}}. */
  private static Map<String, Object> params(Random random) {
    return Map.of(
        "dense", new Dense(Arrays32.random(random, 1, 3, 4), Arrays32.random(random, 1, 4)),
        "head", Map.of("w", Arrays32.random(random, 1, 4, 2)));
  }

  @Test
  void adamStepsMatchTheFloat64ReferenceAndKeepEarlierStates() {
    Random random = new Random(3);
    Map<String, Object> initial = params(random);
    List<double[]> initialValues = leafValues(initial);
    TrainState<Map<String, Object>> state = TrainStatePyTree.create(APPLY, initial, adam(1e-2));
    assertEquals(0, state.step());
    List<TrainState<Map<String, Object>>> history = new ArrayList<>();
    Float64Reference.Adam reference = new Float64Reference.Adam();
    List<double[]> refParams = initialValues;
    for (int n = 1; n <= STEPS; n++) {
      history.add(state);
      Map<String, Object> grads = Arrays32.randomLike(random, state.params());
      refParams = Float64Reference.add(refParams, reference.step(leafValues(grads), refParams, 1e-2));
      state = state.applyGradients(grads);
      assertEquals(n, state.step());
      List<double[]> actual = leafValues(state.params());
      for (int l = 0; l < actual.size(); l++) {
        assertLeafClose(refParams.get(l), actual.get(l), RTOL, "adam step " + n + " leaf " + l);
      }
    }
    TrainState<Map<String, Object>> first = history.get(0);
    assertEquals(0, first.step());
    List<double[]> firstValues = leafValues(first.params());
    for (int l = 0; l < firstValues.size(); l++) {
      assertArrayEquals(initialValues.get(l), firstValues.get(l), 0.0, "the first state still holds its params");
    }
    assertSame(APPLY, state.applyFn());
    assertSame(first.tx(), state.tx());
    assertEquals(PyTrees.structure(first), PyTrees.structure(state), "same structure, statics included");
  }

  @Test
  void clippedInjectedAdamFollowsReferenceAndReportsTheScheduleWithOptaxTiming() {
    double peak = 2e-2;
    GradientTransformation tx =
        chain(clipByGlobalNorm(1.0), injectHyperparams(adam(warmupCosineDecay(0.0, peak, 5, 20))));
    Random random = new Random(11);
    TrainState<Map<String, Object>> state = TrainStatePyTree.create(APPLY, params(random), tx);
    Float64Reference.Adam reference = new Float64Reference.Adam();
    reference.b1 = (float) 0.9;
    reference.b2 = (float) 0.999;
    reference.eps = (float) 1e-8;
    List<double[]> refParams = leafValues(state.params());
    assertEquals(0.0, learningRate(state), 0.0, "after init the state holds schedule(0)");
    for (int n = 1; n <= STEPS; n++) {
      Map<String, Object> grads = Arrays32.randomLike(random, state.params());
      double lr = (float) Float64Reference.warmupCosineDecay(0.0, peak, 5, 20, 0.0, n - 1);
      refParams = Float64Reference.add(refParams,
          reference.step(Float64Reference.clipByGlobalNorm(leafValues(grads), 1.0), refParams, lr));
      state = state.applyGradients(grads);
      assertEquals(lr, learningRate(state), 1e-9, "after update " + n + " the state shows schedule(" + (n - 1) + ")");
      assertEquals(learningRate(state), state.optState().findHyperparam(LEARNING_RATE), 0.0);
      List<double[]> actual = leafValues(state.params());
      for (int l = 0; l < actual.size(); l++) {
        assertLeafClose(refParams.get(l), actual.get(l), RTOL, "chain step " + n + " leaf " + l);
      }
    }
  }

  /** Flax: {@code state.opt_state[1].hyperparams['learning_rate']}. */
  private static double learningRate(TrainState<?> state) {
    return state.optState().get(1, InjectHyperparamsState.class).hyperparams().get("learning_rate").doubleValue();
  }

  @Test
  void customStateCarriesItsExtraComponentAndStatics() {
    Random random = new Random(5);
    Map<String, INDArray> stats = Map.of("mean", Arrays32.vec(0, 0), "var", Arrays32.vec(1, 1));
    GradientTransformation tx = adam(1e-3);
    BatchNormTrainState state = BatchNormTrainStatePyTree.create(APPLY, params(random), tx, stats);
    assertEquals(0, state.step());
    assertSame(stats, state.batchStats());
    Map<String, INDArray> newStats = Map.of("mean", Arrays32.vec(0.5, -0.5), "var", Arrays32.vec(2, 3));
    BatchNormTrainState next = state.applyGradients(Arrays32.randomLike(random, state.params()), b -> b.batchStats(newStats));
    assertEquals(1, next.step());
    assertSame(newStats, next.batchStats());
    assertSame(stats, state.batchStats(), "the old state keeps its stats");
    assertSame(APPLY, next.applyFn());
    assertSame(tx, next.tx());
    BatchNormTrainState plain = next.applyGradients(Arrays32.randomLike(random, next.params()));
    assertSame(newStats, plain.batchStats(), "applyGradients without changes carries extra components over");
    List<Object> leaves = PyTrees.leaves(plain);
    assertFalse(leaves.contains(APPLY) || leaves.contains(tx), "static components are never leaves");
    assertTrue(PyTrees.structure(plain).toString().startsWith("PyTreeDef(BatchNormTrainState(step=*, params="));
  }

  @Test
  void overwriteWithGradientCollectionIsReplacedByItsGradientAndHasNoOptimizerState() {
    Random random = new Random(9);
    Map<String, Object> trainable = params(random);
    Map<String, Object> owg = Map.of("scale", Arrays32.vec(1, 2, 3));
    Map<String, Object> params = Map.of("params", trainable, TrainStates.OVERWRITE_WITH_GRADIENT, owg);
    TrainState<Map<String, Object>> state = TrainStatePyTree.create(APPLY, params, adam(1e-2));
    ScaleByAdamState adamState = state.optState().get(0, ScaleByAdamState.class);
    assertEquals(PyTrees.structure(trainable), PyTrees.structure(adamState.mu()), "optimizer state covers params only");

    Map<String, Object> grads = Map.of(
        "params", Arrays32.randomLike(random, trainable),
        TrainStates.OVERWRITE_WITH_GRADIENT, Map.of("scale", Arrays32.vec(7, 8, 9)));
    Float64Reference.Adam reference = new Float64Reference.Adam();
    List<double[]> expected = Float64Reference.add(leafValues(trainable),
        reference.step(leafValues(grads.get("params")), leafValues(trainable), 1e-2));
    TrainState<Map<String, Object>> next = state.applyGradients(grads);

    assertSame(grads.get(TrainStates.OVERWRITE_WITH_GRADIENT), next.params().get(TrainStates.OVERWRITE_WITH_GRADIENT));
    assertArrayEquals(new double[] {1, 2, 3}, values((INDArray) owg.get("scale")), 0.0, "old state untouched");
    List<double[]> actual = leafValues(next.params().get("params"));
    for (int l = 0; l < actual.size(); l++) {
      assertLeafClose(expected.get(l), actual.get(l), RTOL, "OWG: params leaf " + l);
    }
    assertEquals(PyTrees.structure(state.params()), PyTrees.structure(next.params()));
    assertEquals(1, next.optState().get(0, ScaleByAdamState.class).count());
  }

  @Test
  void gradsWithADifferentStructureFailNamingThePathAndLeaveTheStateUsable() {
    Random random = new Random(1);
    TrainState<Map<String, Object>> state = TrainStatePyTree.create(APPLY, params(random), adam(1e-2));
    Map<String, Object> good = Arrays32.randomLike(random, state.params());
    Map<String, Object> missingKey = Map.of("dense", good.get("dense"), "head", Map.of("v", Arrays32.vec(1)));
    TreeMismatchException e = assertThrows(TreeMismatchException.class, () -> state.applyGradients(missingKey));
    assertEquals("['head']", e.path().keystr());
    assertTrue(e.getMessage().startsWith("grads do not match params at ['head']: expected dict with keys ['w']"
        + " but found keys ['v']; missing ['w']; unexpected ['v']"), e.getMessage());
    assertTrue(e.getMessage().contains("params structure: PyTreeDef({'dense': Dense(kernel=*, bias=*), 'head': {'w': *}})"),
        e.getMessage());
    assertTrue(e.getMessage().contains("grads structure: PyTreeDef({'dense': Dense(kernel=*, bias=*), 'head': {'v': *}})"),
        e.getMessage());

    Map<String, Object> subtreeForLeaf = Map.of("dense", good.get("dense"), "head", Map.of("w", List.of(Arrays32.vec(1))));
    TreeMismatchException leaf = assertThrows(TreeMismatchException.class, () -> state.applyGradients(subtreeForLeaf));
    assertEquals("['head']['w']", leaf.path().keystr());
    assertTrue(leaf.getMessage().startsWith("grads do not match params at ['head']['w']: expected a leaf but found list of 1"),
        leaf.getMessage());

    TrainState<Map<String, Object>> after = state.applyGradients(good);
    TrainState<Map<String, Object>> fresh =
        TrainStatePyTree.create(APPLY, state.params(), state.tx()).applyGradients(good);
    List<double[]> a = leafValues(after.params());
    List<double[]> b = leafValues(fresh.params());
    for (int l = 0; l < a.size(); l++) {
      assertArrayEquals(b.get(l), a.get(l), 0.0, "a failed call changed nothing");
    }
    assertEquals(1, after.step());
  }

  @Test
  void owgDictWithOtherCollectionsIsRejectedByName() {
    Map<String, Object> params = Map.of("params", Map.of("w", Arrays32.vec(1)),
        TrainStates.OVERWRITE_WITH_GRADIENT, Map.of("s", Arrays32.vec(1)), "batch_stats", Map.of("m", Arrays32.vec(0)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainStatePyTree.create(APPLY, params, adam(1e-2)));
    assertEquals("params holding '_overwrite_with_gradient' must be a dict of exactly 'params' and"
        + " '_overwrite_with_gradient' (Flax's rule), but its keys are [_overwrite_with_gradient, batch_stats, params]",
        e.getMessage());
  }

  @Test
  void stepSaturatesInsteadOfOverflowing() {
    assertEquals(Long.MAX_VALUE, TrainStates.nextStep(Long.MAX_VALUE));
    assertEquals(Integer.MAX_VALUE, TrainStates.nextStep(Integer.MAX_VALUE));
    assertEquals(8L, TrainStates.nextStep(7L));
    assertEquals(Long.valueOf(8), TrainStates.nextStep(Long.valueOf(7)));
    assertThrows(IllegalArgumentException.class, () -> TrainStates.nextStep((Long) null));
  }

  @Test
  void chainStateIsPositionallyIndexable() {
    TrainState<Map<String, Object>> state = TrainStatePyTree.create(APPLY, params(new Random(2)),
        chain(clipByGlobalNorm(1.0), injectHyperparams(adam(1e-3))));
    assertTrue(state.optState() instanceof ChainState);
    assertEquals(1e-3, state.optState().get(1, InjectHyperparamsState.class).hyperparam(LEARNING_RATE), 1e-10);
  }
}
