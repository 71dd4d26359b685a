package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pytree4j.optim.Arrays32.assertLeafClose;
import static org.pytree4j.optim.Arrays32.leafValues;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.applyIfFinite;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.ema;
import static org.pytree4j.optim.Optax.incrementalUpdate;
import static org.pytree4j.optim.Optax.multiSteps;
import static org.pytree4j.optim.Optax.partition;
import static org.pytree4j.optim.Optax.scale;
import static org.pytree4j.optim.Optax.setToZero;
import static org.pytree4j.optim.Optax.sgd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;

/**
 * The wrappers' trajectories over 12 steps on {@link TrajectoryTest#params}' tree (a record in a map,
 * a nested map, a rank-0 leaf, a list), through {@link Optax#step} (fused where it can be), against
 * the float64 reference written from Optax's formulas ({@link Float64WrapperReference}): relative
 * error at most 1e-5, leaf by leaf against the leaf's largest magnitude.
 */
class WrapperTrajectoryTest {
  private static final int STEPS = 12;
  private static final double RTOL = 1e-5;
  /** The labels of TrajectoryTest.params' leaves by rank: matrices and up are "w", the rest "b". */
  private static final String[] RANK_LABELS = {"w", "b", "b", "w", "b", "w"};

  /** Runs {@code tx} step by step beside {@code reference}; grads of steps in {@code nanSteps} hold a NaN. */
  private static void run(GradientTransformation tx, BiFunction<List<double[]>, List<double[]>, List<double[]>> reference,
      Set<Integer> nanSteps, String what) {
    Random random = new Random(17);
    Object params = TrajectoryTest.params(random);
    List<double[]> refParams = leafValues(params);
    OptState state = tx.init(params);
    for (int step = 0; step < STEPS; step++) {
      Object grads = TrajectoryTest.grads(params, random, 1.0);
      if (nanSteps.contains(step)) {
        ((INDArray) ((Map<?, ?>) ((Map<?, ?>) grads).get("head")).get("w")).putScalar(3, Double.NaN);
      }
      OptimizerStep<Object> next = Optax.step(tx, params, state, grads);
      params = next.params();
      state = next.state();
      refParams = Float64Reference.add(refParams, reference.apply(leafValues(grads), refParams));
      List<double[]> actual = leafValues(params);
      for (int l = 0; l < actual.size(); l++) {
        assertLeafClose(refParams.get(l), actual.get(l), RTOL, what + " step " + step + " leaf " + l);
      }
    }
  }

  private static Float64WrapperReference.Optimizer adamRef(double lr) {
    Float64Reference.Adam ref = new Float64Reference.Adam();
    return (g, p) -> ref.step(g, p, lr);
  }

  private static Float64WrapperReference.Optimizer sgdRef(double lr, double momentum) {
    Float64Reference.Sgd ref = new Float64Reference.Sgd();
    ref.momentum = momentum;
    return (g, p) -> ref.step(g, lr);
  }

  @Test
  void partitionOfAdamAndSgdMomentum() {
    GradientTransformation tx = partition(Map.of("w", adam(1e-2), "b", sgd(5e-2, 0.9)),
        Labels.byPath((path, leaf) -> leaf.rank() > 1 ? "w" : "b"));
    Map<String, Float64WrapperReference.Optimizer> refs = new LinkedHashMap<>();
    refs.put("w", adamRef(1e-2));
    refs.put("b", sgdRef(5e-2, 0.9));
    run(tx, (g, p) -> Float64WrapperReference.partition(g, p, RANK_LABELS, refs), Set.of(), "partition(adam, sgd)");
  }

  @Test
  void partitionFreezingWithSetToZero() {
    GradientTransformation tx = partition(Map.of("w", adam(1e-2), "b", setToZero()),
        Labels.byPath((path, leaf) -> leaf.rank() > 1 ? "w" : "b"));
    Map<String, Float64WrapperReference.Optimizer> refs = new LinkedHashMap<>();
    refs.put("w", adamRef(1e-2));
    refs.put("b", (g, p) -> Float64Reference.zeros(g));
    run(tx, (g, p) -> Float64WrapperReference.partition(g, p, RANK_LABELS, refs), Set.of(), "partition(adam, set_to_zero)");
  }

  @Test
  void multiStepsOfAdam() {
    Float64WrapperReference.MultiSteps ref = new Float64WrapperReference.MultiSteps();
    ref.k = 3;
    ref.inner = adamRef(1e-2);
    run(multiSteps(adam(1e-2), 3), ref::step, Set.of(), "MultiSteps(adam, 3)");
    assertEquals(4, ref.gradientStep);
  }

  /** The inner optimizer clips the accumulated mean: two passes in the fused step. */
  @Test
  void multiStepsOfClipAndAdamSummed() {
    Float64WrapperReference.MultiSteps ref = new Float64WrapperReference.MultiSteps();
    ref.k = 4;
    ref.mean = false;
    Float64WrapperReference.Optimizer adam = adamRef(1e-2);
    ref.inner = (g, p) -> adam.apply(Float64Reference.clipByGlobalNorm(g, 2.0), p);
    run(multiSteps(chain(clipByGlobalNorm(2.0), adam(1e-2)), 4).useGradMean(false), ref::step, Set.of(),
        "MultiSteps(chain(clip, adam), 4, use_grad_mean=False)");
  }

  @Test
  void applyIfFiniteSkipsTheStepsWithANaN() {
    Float64WrapperReference.ApplyIfFinite ref = new Float64WrapperReference.ApplyIfFinite();
    ref.maxConsecutiveErrors = 2;
    ref.inner = adamRef(1e-2);
    run(applyIfFinite(adam(1e-2), 2), ref::step, Set.of(3, 6, 7), "apply_if_finite(adam, 2)");
    assertEquals(3, ref.totalNotfinite);
  }

  @Test
  void emaOfTheUpdates() {
    Float64WrapperReference.Ema ref = new Float64WrapperReference.Ema();
    ref.decay = 0.9;
    run(chain(ema(0.9), scale(-1e-2)), (g, p) -> times(-1e-2, ref.step(g)), Set.of(), "chain(ema(0.9), scale(-1e-2))");
  }

  /** EMA params with incremental_update beside an adam trajectory (Polyak averaging). */
  @Test
  void emaParamsWithIncrementalUpdate() {
    Random random = new Random(23);
    Object params = TrajectoryTest.params(random);
    Object emaParams = params;
    List<double[]> refEma = leafValues(params);
    GradientTransformation tx = adam(1e-2);
    OptState state = tx.init(params);
    for (int step = 0; step < STEPS; step++) {
      OptimizerStep<Object> next = Optax.step(tx, params, state, TrajectoryTest.grads(params, random, 1.0));
      params = next.params();
      state = next.state();
      emaParams = incrementalUpdate(params, emaParams, 0.1);
      refEma = Float64WrapperReference.incrementalUpdate(leafValues(params), refEma, 0.1);
      List<double[]> actual = leafValues(emaParams);
      for (int l = 0; l < actual.size(); l++) {
        assertLeafClose(refEma.get(l), actual.get(l), RTOL, "ema params step " + step + " leaf " + l);
      }
    }
    assertEquals(PyTrees.structure(params), PyTrees.structure(emaParams));
  }

  private static List<double[]> times(double k, List<double[]> u) {
    for (double[] leaf : u) {
      for (int i = 0; i < leaf.length; i++) {
        leaf[i] *= k;
      }
    }
    return u;
  }
}
