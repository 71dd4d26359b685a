package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pytree4j.optim.Arrays32.assertLeafClose;
import static org.pytree4j.optim.Arrays32.leafValues;
import static org.pytree4j.optim.Optax.LEARNING_RATE;
import static org.pytree4j.optim.Optax.adabelief;
import static org.pytree4j.optim.Optax.adafactor;
import static org.pytree4j.optim.Optax.adagrad;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.adamax;
import static org.pytree4j.optim.Optax.adamw;
import static org.pytree4j.optim.Optax.applyUpdates;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.lamb;
import static org.pytree4j.optim.Optax.lars;
import static org.pytree4j.optim.Optax.lion;
import static org.pytree4j.optim.Optax.nadam;
import static org.pytree4j.optim.Optax.rmsprop;
import static org.pytree4j.optim.Optax.sgd;
import static org.pytree4j.optim.schedule.Schedules.warmupCosineDecay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.examples.Dense;

/**
 * Multi-step trajectories on a tree with several leaves (a record inside a map, a nested map, a
 * rank-0 leaf, a list) against the float64 reference: relative error <= 1e-5 in float32, measured
 * leaf by leaf against the leaf's largest magnitude.
 */
class TrajectoryTest {
  private static final int STEPS = 40;
  private static final double RTOL = 1e-5;

  /** params: {'dense': Dense(kernel[3,4], bias[4]), 'head': {'scale': [], 'w': [4,2]}, 'taps': [[5], [2,2,2]]}. */
  static Map<String, Object> params(Random random) {
    return Map.of(
        "dense", new Dense(Arrays32.random(random, 1, 3, 4), Arrays32.random(random, 1, 4)),
        "head", Map.of("w", Arrays32.random(random, 1, 4, 2), "scale", Arrays32.random(random, 1)),
        "taps", List.of(Arrays32.random(random, 1, 5), Arrays32.random(random, 1, 2, 2, 2)));
  }

  /** Gradients like {@code params}, a new draw per step, scaled so the global norm varies around 1. */
  static Object grads(Object params, Random random, double scale) {
    return PyTrees.map((INDArray p) -> Arrays32.random(random, scale, p.shape()), params);
  }

  /** Runs {@code tx} and the reference side by side and compares the params after every step. */
  private static void runAgainstReference(GradientTransformation tx,
      BiFunction<List<double[]>, List<double[]>, List<double[]>> reference, double gradScale, String what) {
    Random random = new Random(42);
    Object params = params(random);
    List<double[]> refParams = leafValues(params);
    OptState state = tx.init(params);
    for (int step = 0; step < STEPS; step++) {
      Object grads = grads(params, random, gradScale);
      UpdateResult r = tx.update(grads, state, params);
      params = applyUpdates(params, r.updates());
      state = r.state();
      refParams = Float64Reference.add(refParams, reference.apply(leafValues(grads), refParams));
      List<double[]> actual = leafValues(params);
      for (int l = 0; l < actual.size(); l++) {
        assertLeafClose(refParams.get(l), actual.get(l), RTOL, what + " step " + step + " leaf " + l);
      }
    }
  }

  @Test
  void adamTrajectory() {
    Float64Reference.Adam ref = new Float64Reference.Adam();
    runAgainstReference(adam(1e-2), (g, p) -> ref.step(g, p, 1e-2), 1.0, "adam");
  }

  @Test
  void adamWithOptions() {
    Float64Reference.Adam ref = new Float64Reference.Adam();
    ref.b1 = 0.8;
    ref.b2 = 0.99;
    ref.eps = 1e-6;
    ref.epsRoot = 1e-9;
    runAgainstReference(adam(3e-2).b1(0.8).b2(0.99).eps(1e-6).epsRoot(1e-9), (g, p) -> ref.step(g, p, 3e-2), 1.0,
        "adam(b1=0.8, b2=0.99, eps=1e-6, eps_root=1e-9)");
  }

  @Test
  void adamwTrajectory() {
    Float64Reference.Adam ref = new Float64Reference.Adam();
    ref.weightDecay = 1e-2;
    runAgainstReference(adamw(1e-2).weightDecay(1e-2), (g, p) -> ref.step(g, p, 1e-2), 1.0, "adamw");
  }

  @Test
  void nadamTrajectory() {
    Float64Reference.Adam ref = new Float64Reference.Adam();
    ref.nesterov = true;
    runAgainstReference(nadam(1e-2), (g, p) -> ref.step(g, p, 1e-2), 1.0, "nadam");
  }

  @Test
  void lionTrajectory() {
    Float64Reference.Lion ref = new Float64Reference.Lion();
    ref.weightDecay = 1e-2;
    runAgainstReference(lion(1e-3).weightDecay(1e-2), (g, p) -> ref.step(g, p, 1e-3), 1.0, "lion");
  }

  @Test
  void lionWithOptions() {
    Float64Reference.Lion ref = new Float64Reference.Lion();
    ref.b1 = 0.95;
    ref.b2 = 0.98;
    ref.weightDecay = 0.0;
    runAgainstReference(lion(3e-3).b1(0.95).b2(0.98).weightDecay(0.0), (g, p) -> ref.step(g, p, 3e-3), 1.0,
        "lion(b1=0.95, b2=0.98, weight_decay=0)");
  }

  @Test
  void adagradTrajectory() {
    Float64Reference.Adagrad ref = new Float64Reference.Adagrad();
    runAgainstReference(adagrad(1e-1), (g, p) -> ref.step(g, 1e-1), 1.0, "adagrad");
  }

  @Test
  void adagradWithOptions() {
    Float64Reference.Adagrad ref = new Float64Reference.Adagrad();
    ref.initialAccumulatorValue = 0.5;
    ref.eps = 1e-3;
    runAgainstReference(adagrad(5e-2).initialAccumulatorValue(0.5).eps(1e-3), (g, p) -> ref.step(g, 5e-2), 1.0,
        "adagrad(initial_accumulator_value=0.5, eps=1e-3)");
  }

  /**
   * Optax's {@code where(s > 0, rsqrt(s + eps), 0)}: a sum that is zero (a zero start and a zero
   * gradient, or one whose square underflows in float32) gives a zero update, not {@code g / sqrt(eps)};
   * the fused step gives the same.
   */
  @Test
  void adagradZeroSumsGiveZeroUpdates() {
    GradientTransformation tx = adagrad(1.0).initialAccumulatorValue(0.0);
    INDArray params = Arrays32.vec(1, 1, 1, 1);
    INDArray grads = Arrays32.vec(0, 1e-30, 2, -3);
    UpdateResult r = tx.update(grads, tx.init(params), params);
    double[] u = Arrays32.values((INDArray) r.updates());
    assertEquals(0.0, u[0], 0.0);
    assertEquals(0.0, u[1], 0.0, "1e-30 squared is 0 in float32: the sum is 0, so is the update");
    assertEquals(-(float) (1 / Math.sqrt(4 + 1e-7)) * 2f, u[2], 1e-7);
    assertEquals((float) (1 / Math.sqrt(9 + 1e-7)) * 3f, u[3], 1e-7);
    OptimizerStep<INDArray> fused = Optax.step(tx, params, tx.init(params), grads);
    Arrays32.assertSameBits(applyUpdates(params, r.updates()), fused.params(), "fused params");
    Arrays32.assertSameBits(r.state(), fused.state(), "fused state");
  }

  @Test
  void adabeliefTrajectory() {
    Float64Reference.Adabelief ref = new Float64Reference.Adabelief();
    runAgainstReference(adabelief(1e-2), (g, p) -> ref.step(g, 1e-2), 1.0, "adabelief");
  }

  @Test
  void adabeliefNesterovWithOptions() {
    Float64Reference.Adabelief ref = new Float64Reference.Adabelief();
    ref.b1 = 0.8;
    ref.b2 = 0.99;
    ref.eps = 1e-8;
    ref.epsRoot = 1e-10;
    ref.nesterov = true;
    runAgainstReference(adabelief(3e-3).b1(0.8).b2(0.99).eps(1e-8).epsRoot(1e-10).nesterov(true),
        (g, p) -> ref.step(g, 3e-3), 1.0, "adabelief(b1=0.8, b2=0.99, eps=1e-8, eps_root=1e-10, nesterov=True)");
  }

  @Test
  void adamaxTrajectory() {
    Float64Reference.Adamax ref = new Float64Reference.Adamax();
    runAgainstReference(adamax(1e-2), (g, p) -> ref.step(g, 1e-2), 1.0, "adamax");
  }

  @Test
  void adamaxWithOptions() {
    Float64Reference.Adamax ref = new Float64Reference.Adamax();
    ref.b1 = 0.5;
    ref.b2 = 0.9;
    ref.eps = 1e-3;
    runAgainstReference(adamax(2e-2).b1(0.5).b2(0.9).eps(1e-3), (g, p) -> ref.step(g, 2e-2), 1.0,
        "adamax(b1=0.5, b2=0.9, eps=1e-3)");
  }

  @Test
  void rmspropTrajectory() {
    Float64Reference.Rmsprop ref = new Float64Reference.Rmsprop();
    runAgainstReference(rmsprop(1e-3), (g, p) -> ref.step(g, 1e-3), 1.0, "rmsprop");
  }

  @Test
  void rmspropWithMomentum() {
    Float64Reference.Rmsprop ref = new Float64Reference.Rmsprop();
    ref.momentum = 0.9;
    runAgainstReference(rmsprop(1e-3).momentum(0.9), (g, p) -> ref.step(g, 1e-3), 1.0, "rmsprop(momentum=0.9)");
  }

  @Test
  void rmspropCenteredNesterovBiasCorrectedEpsOutside() {
    Float64Reference.Rmsprop ref = new Float64Reference.Rmsprop();
    ref.decay = 0.95;
    ref.eps = 1e-6;
    ref.initialScale = 1.0;
    ref.centered = true;
    ref.epsInSqrt = false;
    ref.biasCorrection = true;
    ref.momentum = 0.5;
    ref.nesterov = true;
    runAgainstReference(rmsprop(2e-3).decay(0.95).eps(1e-6).initialScale(1.0).centered(true).epsInSqrt(false)
            .biasCorrection(true).momentum(0.5).nesterov(true), (g, p) -> ref.step(g, 2e-3), 1.0,
        "rmsprop(decay=0.95, eps=1e-6, initial_scale=1, centered, eps_in_sqrt=False, bias_correction, momentum=0.5, nesterov)");
  }

  @Test
  void rmspropCentered() {
    Float64Reference.Rmsprop ref = new Float64Reference.Rmsprop();
    ref.centered = true;
    runAgainstReference(rmsprop(1e-3).centered(true), (g, p) -> ref.step(g, 1e-3), 1.0, "rmsprop(centered=True)");
  }

  @Test
  void lambTrajectory() {
    Float64Reference.Lamb ref = new Float64Reference.Lamb();
    runAgainstReference(lamb(1e-2), (g, p) -> ref.step(g, p, 1e-2), 1.0, "lamb");
  }

  @Test
  void lambWithWeightDecay() {
    Float64Reference.Lamb ref = new Float64Reference.Lamb();
    ref.adam.b1 = 0.8;
    ref.adam.eps = 1e-8;
    ref.weightDecay = 0.1;
    runAgainstReference(lamb(3e-3).b1(0.8).eps(1e-8).weightDecay(0.1), (g, p) -> ref.step(g, p, 3e-3), 1.0,
        "lamb(b1=0.8, eps=1e-8, weight_decay=0.1)");
  }

  @Test
  void larsTrajectory() {
    Float64Reference.Lars ref = new Float64Reference.Lars();
    runAgainstReference(lars(1.0), (g, p) -> ref.step(g, p, 1.0), 1.0, "lars");
  }

  @Test
  void larsWithOptions() {
    Float64Reference.Lars ref = new Float64Reference.Lars();
    ref.weightDecay = 1e-2;
    ref.trustCoefficient = 0.02;
    ref.eps = 1e-3;
    ref.momentum = 0.8;
    ref.nesterov = true;
    runAgainstReference(lars(0.5).weightDecay(1e-2).trustCoefficient(0.02).eps(1e-3).momentum(0.8).nesterov(true),
        (g, p) -> ref.step(g, p, 0.5), 1.0, "lars(weight_decay=1e-2, trust_coefficient=0.02, eps=1e-3, momentum=0.8, nesterov)");
  }

  /** The leaves' shapes of {@link #params}, in flatten order. */
  private static List<long[]> shapes() {
    List<long[]> shapes = new ArrayList<>();
    for (Object leaf : PyTrees.leaves(params(new Random(0)))) {
      shapes.add(((INDArray) leaf).shape());
    }
    return shapes;
  }

  /** Optax's defaults: with min_dim_size_to_factor 128 no leaf of these params is factored. */
  @Test
  void adafactorTrajectory() {
    Float64Reference.Adafactor ref = new Float64Reference.Adafactor(shapes());
    ref.learningRate = 1e-2;
    runAgainstReference(adafactor(1e-2), (g, p) -> ref.step(g, p), 1.0, "adafactor");
  }

  /**
   * Factored from size 2: the [3, 4], [4, 2] and [2, 2, 2] leaves keep row and column statistics (the
   * last over a tie), the others full ones; with momentum, weight decay, a clip that triggers and an offset.
   */
  @Test
  void adafactorFactoredWithMomentumAndWeightDecay() {
    Float64Reference.Adafactor ref = new Float64Reference.Adafactor(shapes());
    ref.learningRate = 5e-3;
    ref.minDimSizeToFactor = 2;
    ref.decayRate = 0.7;
    ref.decayOffset = 3;
    ref.clippingThreshold = 0.9;
    ref.momentum = 0.8;
    ref.weightDecayRate = 1e-3;
    ref.eps = 1e-20;
    runAgainstReference(adafactor(5e-3).minDimSizeToFactor(2).decayRate(0.7).decayOffset(3).clippingThreshold(0.9)
            .momentum(0.8).weightDecayRate(1e-3).eps(1e-20), (g, p) -> ref.step(g, p), 1.0,
        "adafactor(min_dim_size_to_factor=2, decay_rate=0.7, decay_offset=3, clipping_threshold=0.9, momentum=0.8,"
            + " weight_decay_rate=1e-3, eps=1e-20)");
  }

  /** No learning rate, no clipping, no parameter scale: the relative step alone. */
  @Test
  void adafactorWithoutLearningRateClippingOrParameterScale() {
    Float64Reference.Adafactor ref = new Float64Reference.Adafactor(shapes());
    ref.minDimSizeToFactor = 3;
    ref.clippingThreshold = null;
    ref.multiplyByParameterScale = false;
    runAgainstReference(adafactor().minDimSizeToFactor(3).noClipping().multiplyByParameterScale(false),
        (g, p) -> ref.step(g, p), 1e-2, "adafactor(min_dim_size_to_factor=3, clipping_threshold=None,"
            + " multiply_by_parameter_scale=False)");
  }

  @Test
  void sgdWithMomentum() {
    Float64Reference.Sgd ref = new Float64Reference.Sgd();
    ref.momentum = 0.9;
    runAgainstReference(sgd(5e-2, 0.9), (g, p) -> ref.step(g, 5e-2), 1.0, "sgd(momentum=0.9)");
  }

  @Test
  void sgdWithNesterovMomentum() {
    Float64Reference.Sgd ref = new Float64Reference.Sgd();
    ref.momentum = 0.9;
    ref.nesterov = true;
    runAgainstReference(sgd(5e-2, 0.9, true), (g, p) -> ref.step(g, 5e-2), 1.0, "sgd(momentum=0.9, nesterov=True)");
  }

  /**
   * {@code chain(clip_by_global_norm(1.0), inject_hyperparams(adam)(learning_rate=warmup_cosine_decay))}:
   * hyperparameters are float32 in the inject state and used as stored, so the reference rounds them
   * to float32 too; the learning rate in the state follows the schedule with Optax's timing.
   */
  @Test
  void clipThenInjectedAdamWithWarmupCosine() {
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), injectHyperparams(adam(warmupCosineDecay(0.0, 2e-2, 5, 30))));
    Float64Reference.Adam ref = new Float64Reference.Adam();
    ref.b1 = (float) 0.9;
    ref.b2 = (float) 0.999;
    ref.eps = (float) 1e-8;
    Random random = new Random(7);
    Object params = params(random);
    List<double[]> refParams = leafValues(params);
    OptState state = tx.init(params);
    assertEquals(0.0, state.get(1, InjectHyperparamsState.class).hyperparam(LEARNING_RATE));
    int clipped = 0;
    for (int step = 0; step < STEPS; step++) {
      Object grads = grads(params, random, step % 2 == 0 ? 0.5 : 0.1);
      UpdateResult r = tx.update(grads, state, params);
      params = applyUpdates(params, r.updates());
      state = r.state();
      double lr = (float) Float64Reference.warmupCosineDecay(0.0, 2e-2, 5, 30, 0.0, step);
      List<double[]> g = leafValues(grads);
      List<double[]> c = Float64Reference.clipByGlobalNorm(g, 1.0);
      clipped += c == g ? 0 : 1;
      refParams = Float64Reference.add(refParams, ref.step(c, refParams, lr));
      List<double[]> actual = leafValues(params);
      for (int l = 0; l < actual.size(); l++) {
        assertLeafClose(refParams.get(l), actual.get(l), RTOL, "chain step " + step + " leaf " + l);
      }
      assertEquals(lr, state.get(1, InjectHyperparamsState.class).hyperparam(LEARNING_RATE), 0.0,
          "after update " + step + " the state shows the learning rate it used, schedule(" + step + ")");
      assertEquals(lr, state.findHyperparam(LEARNING_RATE), 0.0);
      assertEquals(step + 1, state.get(1, InjectHyperparamsState.class).count());
    }
    assertEquals(true, clipped > 5 && clipped < STEPS, "the run clips some steps and not others: " + clipped);
  }

  /** The updates of each step also match (not only their sum). */
  @Test
  void adamUpdatesMatchStepByStep() {
    Float64Reference.Adam ref = new Float64Reference.Adam();
    Random random = new Random(3);
    Object params = params(random);
    GradientTransformation tx = adam(1e-3);
    OptState state = tx.init(params);
    List<double[]> refParams = leafValues(params);
    for (int step = 0; step < 10; step++) {
      Object grads = grads(params, random, 1);
      UpdateResult r = tx.update(grads, state, params);
      List<double[]> expected = ref.step(leafValues(grads), refParams, 1e-3);
      List<double[]> actual = leafValues(r.updates());
      List<String> paths = new ArrayList<>();
      PyTrees.leavesWithPath(r.updates()).forEach(l -> paths.add(l.path().keystr()));
      for (int l = 0; l < actual.size(); l++) {
        assertLeafClose(expected.get(l), actual.get(l), RTOL, "update " + step + " at " + paths.get(l));
      }
      state = r.state();
    }
  }
}
