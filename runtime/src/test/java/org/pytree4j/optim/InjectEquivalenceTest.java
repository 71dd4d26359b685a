package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pytree4j.optim.Optax.adabelief;
import static org.pytree4j.optim.Optax.adafactor;
import static org.pytree4j.optim.Optax.adagrad;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.adamax;
import static org.pytree4j.optim.Optax.adamw;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.lamb;
import static org.pytree4j.optim.Optax.lars;
import static org.pytree4j.optim.Optax.nadam;
import static org.pytree4j.optim.Optax.nadamw;
import static org.pytree4j.optim.Optax.rmsprop;
import static org.pytree4j.optim.Optax.sgd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;

/**
 * Optax's {@code test_optimizers_can_be_wrapped_in_inject_hyperparams} for every alias, over several
 * steps on a tree with several leaves: {@code injectHyperparams(x)} gives x's updates, and its inner
 * state is x's state.
 */
class InjectEquivalenceTest {
  private static final int STEPS = 5;

  static Map<String, Supplier<Injectable>> aliases() {
    Map<String, Supplier<Injectable>> m = new LinkedHashMap<>();
    m.put("adam", () -> adam(1e-2));
    m.put("adam(b1=0.8, b2=0.99, eps=1e-6, eps_root=1e-8)", () -> adam(1e-2).b1(0.8).b2(0.99).eps(1e-6).epsRoot(1e-8));
    m.put("adam(mu_dtype=bfloat16)", () -> adam(1e-2).muDtype(DataType.BFLOAT16));
    m.put("nadam", () -> nadam(1e-2));
    m.put("adamw", () -> adamw(1e-2));
    m.put("adamw(weight_decay=0.1, mask)", () -> adamw(1e-2).weightDecay(0.1).mask(Mask.byLeaf(x -> x.rank() > 1)));
    m.put("nadamw", () -> nadamw(1e-2));
    m.put("sgd", () -> sgd(1e-1));
    m.put("sgd(momentum=0.9)", () -> sgd(1e-1, 0.9));
    m.put("sgd(momentum=0.9, nesterov=True)", () -> sgd(1e-1, 0.9, true));
    m.put("adagrad", () -> adagrad(1e-1));
    m.put("adagrad(initial_accumulator_value=0.5, eps=1e-3)", () -> adagrad(1e-1).initialAccumulatorValue(0.5).eps(1e-3));
    m.put("adabelief", () -> adabelief(1e-2));
    m.put("adabelief(b1=0.8, nesterov=True)", () -> adabelief(1e-2).b1(0.8).nesterov(true));
    m.put("adamax", () -> adamax(1e-2));
    m.put("rmsprop", () -> rmsprop(1e-2));
    // centered and bias-corrected from zero, the first step's variance is 0 (Optax's too): start nu at 1
    m.put("rmsprop(momentum=0.9, centered, bias_correction, initial_scale=1, eps_in_sqrt=False)",
        () -> rmsprop(1e-2).momentum(0.9).centered(true).biasCorrection(true).initialScale(1.0).epsInSqrt(false));
    m.put("lamb", () -> lamb(1e-2));
    m.put("lamb(weight_decay=0.1, mask)", () -> lamb(1e-2).weightDecay(0.1).mask(Mask.byLeaf(x -> x.rank() > 1)));
    m.put("lars", () -> lars(1e-1));
    m.put("lars(weight_decay=1e-2, nesterov=True)", () -> lars(1e-1).weightDecay(1e-2).nesterov(true));
    m.put("adafactor", () -> adafactor(1e-2));
    m.put("adafactor()", () -> adafactor());
    m.put("adafactor(momentum=0.9, weight_decay_rate=1e-3, min_dim_size_to_factor=2)",
        () -> adafactor(1e-2).momentum(0.9).weightDecayRate(1e-3).minDimSizeToFactor(2));
    return m;
  }

  /**
   * float32 params and hyperparameters, at Optax's tolerances for this test (updates rtol 1e-3, state
   * rtol 1e-4): {@code b2 = 0.999f} makes {@code 1 - b2} differ by about 1e-5 relative from
   * {@code 1 - 0.999}, in Optax as here.
   */
  @TestFactory
  Stream<DynamicTest> float32() {
    return aliases().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(),
        () -> compare(e.getValue().get(), injectHyperparams(e.getValue().get()), DataType.FLOAT, 1e-3, 1e-4)));
  }

  /**
   * Hyperparameters that float32 holds exactly: the injected transformation uses exactly the stored
   * value, so float32 runs are bit for bit the same.
   */
  @TestFactory
  Stream<DynamicTest> float32ExactWhenRepresentable() {
    Map<String, Supplier<Injectable>> m = new LinkedHashMap<>();
    m.put("adam", () -> adam(0.0078125).b1(0.5).b2(0.75).eps(0.0009765625));
    m.put("adamw", () -> adamw(0.0078125).b1(0.5).b2(0.75).eps(0.0009765625).weightDecay(0.125));
    m.put("nadam", () -> nadam(0.0078125).b1(0.5).b2(0.75));
    m.put("sgd(momentum=0.5, nesterov=True)", () -> sgd(0.25, 0.5, true));
    m.put("adagrad", () -> adagrad(0.25).initialAccumulatorValue(0.5).eps(0.0009765625));
    m.put("adabelief", () -> adabelief(0.0078125).b1(0.5).b2(0.75).eps(0.0009765625).epsRoot(0.0009765625));
    m.put("adamax", () -> adamax(0.0078125).b1(0.5).b2(0.75).eps(0.0009765625));
    m.put("rmsprop(momentum=0.5, centered)", () -> rmsprop(0.0078125).decay(0.75).eps(0.0009765625).momentum(0.5)
        .centered(true));
    m.put("lamb", () -> lamb(0.0078125).b1(0.5).b2(0.75).eps(0.0009765625).weightDecay(0.125));
    m.put("lars", () -> lars(0.25).weightDecay(0.125).trustCoefficient(0.5).momentum(0.5));
    m.put("adafactor(momentum=0.5, min_dim_size_to_factor=2)",
        () -> adafactor(0.0078125).momentum(0.5).decayRate(0.75).minDimSizeToFactor(2));
    return m.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(),
        () -> compare(e.getValue().get(), injectHyperparams(e.getValue().get()), DataType.FLOAT, 0.0, 0.0)));
  }

  /** float64 params with hyperparameters stored as float64: bit for bit the same. */
  @TestFactory
  Stream<DynamicTest> float64Exact() {
    return aliases().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(),
        () -> compare(e.getValue().get(), injectHyperparams(e.getValue().get(), DataType.DOUBLE), DataType.DOUBLE, 0.0, 0.0)));
  }

  private static void compare(GradientTransformation plain, GradientTransformation injected, DataType dtype,
      double updatesRtol, double stateRtol) {
    Random random = new Random(11);
    Object params = PyTrees.map((INDArray p) -> p.castTo(dtype), TrajectoryTest.params(random));
    OptState plainState = plain.init(params);
    InjectHyperparamsState injectState = (InjectHyperparamsState) injected.init(params);
    assertEquals(PyTrees.structure(plainState), PyTrees.structure(injectState.innerState()));
    for (int step = 0; step < STEPS; step++) {
      Object grads = PyTrees.map((INDArray g) -> g.castTo(dtype), TrajectoryTest.grads(params, random, 1.0));
      UpdateResult p = plain.update(grads, plainState, params);
      UpdateResult q = injected.update(grads, injectState, params);
      assertTreesEqual(p.updates(), q.updates(), updatesRtol, "updates of step " + step);
      injectState = (InjectHyperparamsState) q.state();
      assertTreesEqual(p.state(), injectState.innerState(), stateRtol, "state after step " + step);
      plainState = p.state();
      params = Optax.applyUpdates(params, p.updates());
    }
  }

  private static void assertTreesEqual(Object expected, Object actual, double rtol, String what) {
    assertEquals(PyTrees.structure(expected), PyTrees.structure(actual), what);
    List<Object> e = PyTrees.leaves(expected);
    List<Object> a = PyTrees.leaves(actual);
    for (int i = 0; i < e.size(); i++) {
      if (e.get(i) instanceof INDArray ea) {
        INDArray aa = (INDArray) a.get(i);
        assertEquals(ea.dataType(), aa.dataType(), what + " dtype of leaf " + i);
        if (rtol == 0) {
          assertEquals(ea, aa, what + " leaf " + i);
          org.junit.jupiter.api.Assertions.assertArrayEquals(Arrays32.values(ea), Arrays32.values(aa), what + " leaf " + i);
        } else {
          Arrays32.assertLeafClose(Arrays32.values(ea), Arrays32.values(aa), rtol, what + " leaf " + i);
        }
      } else {
        assertEquals(e.get(i), a.get(i), what + " leaf " + i);
      }
    }
  }
}
