package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pytree4j.optim.Optax.adafactor;
import static org.pytree4j.optim.Optax.adagrad;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.adamw;
import static org.pytree4j.optim.Optax.applyUpdates;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.lamb;
import static org.pytree4j.optim.Optax.lars;
import static org.pytree4j.optim.Optax.rmsprop;
import static org.pytree4j.optim.Optax.scaleBySchedule;
import static org.pytree4j.optim.Optax.sgd;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTrees;
import org.pytree4j.examples.Dense;

/**
 * Bad input is an IllegalArgumentException that names the key path and both sides, raised before
 * anything is computed; the state passed in is unchanged and can be used again.
 */
class BadInputTest {
  private final INDArray kernel = Arrays32.f32(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
  private final INDArray bias = Arrays32.vec(0.5, -0.5, 1.5);
  private final Map<String, Object> params = Map.of("dense", Map.of("kernel", kernel, "bias", bias));
  private final Map<String, Object> grads = Map.of("dense", Map.of("kernel", kernel.mul(0.1), "bias", bias.mul(0.1)));

  /** A failed update leaves the state as it was, and the next good update gives the usual result. */
  private static void assertStillUsable(GradientTransformation tx, OptState state, Object grads, Object params) {
    List<double[]> before = leafValues(state);
    UpdateResult good = tx.update(grads, state, params);
    UpdateResult fresh = tx.update(grads, tx.init(params), params);
    assertEquals(PyTrees.structure(fresh.state()), PyTrees.structure(good.state()));
    Arrays32.assertTreeClose(fresh.updates(), good.updates(), 0, 0, "updates after a failed update");
    List<double[]> after = leafValues(state);
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i), after.get(i), "state leaf " + i + " is unchanged");
    }
  }

  private static List<double[]> leafValues(Object tree) {
    List<double[]> out = new java.util.ArrayList<>();
    for (Object leaf : PyTrees.leaves(tree)) {
      out.add(leaf instanceof INDArray a ? Arrays32.values(a) : new double[] {((Number) leaf).doubleValue()});
    }
    return out;
  }

  @Test
  void updatesWithAMissingKey() {
    GradientTransformation tx = adam(1e-3);
    OptState state = tx.init(params);
    Map<String, Object> bad = Map.of("dense", Map.of("kernel", kernel));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(bad, state, params));
    assertEquals("['dense']", e.path().keystr());
    assertEquals("[0].mu['dense']", e.statePath().keystr());
    assertEquals("updates do not match the optimizer state at ['dense'] (optimizer state [0].mu['dense']): the updates"
        + " have dict with keys ['kernel'] but the state has dict with keys ['bias', 'kernel']; only the state has"
        + " ['bias']", e.getMessage());
    assertStillUsable(tx, state, grads, params);
  }

  @Test
  void updatesWithAnotherShape() {
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), adam(1e-3));
    OptState state = tx.init(params);
    Map<String, Object> bad = Map.of("dense", Map.of("kernel", kernel.reshape(3, 2), "bias", bias));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(bad, state, params));
    assertEquals("['dense']['kernel']", e.path().keystr());
    assertEquals("[1][0].mu['dense']['kernel']", e.statePath().keystr());
    assertTrue(e.getMessage().contains("at ['dense']['kernel']"), e.getMessage());
    assertTrue(e.getMessage().contains("the updates have float32[3, 2] but the state has float32[2, 3]"), e.getMessage());
    assertStillUsable(tx, state, grads, params);
  }

  @Test
  void updatesOfAnIntegerDtype() {
    GradientTransformation tx = sgd(0.1, 0.9);
    OptState state = tx.init(params);
    Map<String, Object> bad = Map.of("dense", Map.of("kernel", kernel.castTo(DataType.INT), "bias", bias));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(bad, state, params));
    assertEquals("updates must hold floating-point INDArrays or None (null) at ['dense']['kernel']: found int32[2, 3]",
        e.getMessage());
    assertStillUsable(tx, state, grads, params);
  }

  @Test
  void updatesWithANonArrayLeaf() {
    GradientTransformation tx = adam(1e-3);
    OptState state = tx.init(params);
    Map<String, Object> bad = Map.of("dense", Map.of("kernel", 1.0, "bias", bias));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(bad, state, params));
    assertEquals("['dense']['kernel']", e.path().keystr());
    assertTrue(e.getMessage().contains("found Double 1.0"), e.getMessage());
  }

  @Test
  void paramsWithANonArrayLeafAtInit() {
    Map<String, Object> bad = Map.of("dense", Map.of("kernel", "weights", "bias", bias));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> adam(1e-3).init(bad));
    assertEquals("params must hold floating-point INDArrays or None (null) at ['dense']['kernel']: found String weights",
        e.getMessage());
  }

  @Test
  void recordsNameTheirComponents() {
    Map<String, Object> p = Map.of("layer", new Dense(kernel, bias));
    GradientTransformation tx = adam(1e-3);
    OptState state = tx.init(p);
    Map<String, Object> bad = Map.of("layer", new Dense(kernel, Arrays32.vec(1, 2)));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(bad, state, p));
    assertEquals("['layer'].bias", e.path().keystr());
    assertTrue(e.getMessage().contains("the updates have float32[2] but the state has float32[3]"), e.getMessage());
  }

  /** adafactor's statistics have shapes of their own: a state made for other params names the leaf and the shape it needs. */
  @Test
  void adafactorStatisticsOfAnotherShape() {
    GradientTransformation tx = adafactor(1e-2).minDimSizeToFactor(2);
    OptState state = tx.init(params);
    Map<String, Object> wider = Map.of("dense", Map.of("kernel", Arrays32.f32(new double[8], 2, 4), "bias", bias));
    OptState other = tx.init(wider);
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(grads, other, params));
    assertEquals("['dense']['kernel']", e.path().keystr());
    assertEquals("[0].v_col['dense']['kernel']", e.statePath().keystr());
    assertEquals("updates do not match the optimizer state at ['dense']['kernel'] (optimizer state"
        + " [0].v_col['dense']['kernel']): the updates have float32[2, 3], for which v_col has shape [3], but the"
        + " state has float32[4]", e.getMessage());
    assertStillUsable(tx, state, grads, params);
  }

  /** The trust ratio, the parameter scale and the factored moments need the params, as in Optax. */
  @Test
  void lambLarsAndAdafactorNeedTheParams() {
    for (GradientTransformation tx : List.of(lamb(1e-3), lars(0.1), adafactor(1e-3))) {
      OptState state = tx.init(params);
      OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(grads, state, null));
      assertTrue(e.getMessage().contains("needs the current params"), tx + ": " + e.getMessage());
      assertStillUsable(tx, state, grads, params);
    }
  }

  @Test
  void adagradStateForOtherParams() {
    GradientTransformation tx = adagrad(0.1);
    OptState state = tx.init(Map.of("dense", Map.of("kernel", kernel)));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(grads, state, params));
    assertEquals("[0].sum_of_squares['dense']", e.statePath().keystr());
    assertTrue(e.getMessage().endsWith("only the updates have ['bias']"), e.getMessage());
  }

  /** With bias correction rmsprop counts its updates: a state without the count names both state types. */
  @Test
  void rmspropStateWithoutTheCountOfBiasCorrection() {
    GradientTransformation tx = rmsprop(1e-3).biasCorrection(true);
    OptState plain = rmsprop(1e-3).init(params);
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(grads, plain, params));
    assertEquals("[0]", e.statePath().keystr());
    assertTrue(e.getMessage().contains("scale_by_rms(bias_correction=True)")
        && e.getMessage().contains("expected a ScaleByRmsWithCountState but found ScaleByRmsState"), e.getMessage());
    // the fused step does not take it either (it holds the same moment tree), nor the other way round
    OptimizerInputException fused = assertThrows(OptimizerInputException.class,
        () -> Optax.step(tx, params, plain, grads));
    assertEquals(e.getMessage(), fused.getMessage());
    OptState counted = tx.init(params);
    assertThrows(OptimizerInputException.class, () -> Optax.step(rmsprop(1e-3), params, counted, grads));
    assertThrows(OptimizerInputException.class,
        () -> Optax.step(rmsprop(1e-3).centered(true), params, rmsprop(1e-3).centered(true).biasCorrection(true)
            .init(params), grads));
  }

  @Test
  void chainStateOfTheWrongLength() {
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), adam(1e-3));
    OptState shorter = chain(adam(1e-3)).init(params);
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(grads, shorter, params));
    assertEquals("the optimizer state does not fit the chain at optimizer state <root>: the chain has 2 transformations"
        + " but its state has 1 entries; was it made by init of this chain?", e.getMessage());
  }

  @Test
  void stateOfAnotherTransformation() {
    GradientTransformation tx = sgd(0.1, 0.9);
    OptState adamState = adam(0.1).init(params);
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(grads, adamState, params));
    assertEquals("[0]", e.statePath().keystr());
    assertTrue(e.getMessage().contains("expected a TraceState but found ScaleByAdamState"), e.getMessage());
  }

  @Test
  void nanHyperparameterInTheState() {
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), injectHyperparams(adam(1e-3)));
    OptState state = tx.init(params);
    OptState nan = PyTrees.map((Object x) -> x instanceof Float ? Float.NaN : x, state);
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(grads, nan, params));
    assertEquals("[1].hyperparams['learning_rate']", e.statePath().keystr());
    assertEquals("a hyperparameter in the optimizer state is NaN at optimizer state [1].hyperparams['learning_rate']:"
        + " found NaN;"
        + " expected a number", e.getMessage());
    assertStillUsable(tx, state, grads, params);
  }

  @Test
  void wronglyTypedHyperparameterInTheState() {
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), injectHyperparams(adam(1e-3)));
    ChainState state = (ChainState) tx.init(params);
    InjectHyperparamsState inject = state.get(1, InjectHyperparamsState.class);
    Map<String, Object> hyperparams = new HashMap<>(inject.hyperparams());
    hyperparams.put("learning_rate", "fast");
    @SuppressWarnings({"unchecked", "rawtypes"})
    OptState bad = state.with(1, inject.withHyperparams((Map) hyperparams));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(grads, bad, params));
    assertEquals("a hyperparameter in the optimizer state is not a number at optimizer state"
        + " [1].hyperparams['learning_rate']: found String fast; expected a Float (or a Double)", e.getMessage());
  }

  @Test
  void unknownHyperparameterInTheState() {
    GradientTransformation tx = injectHyperparams(sgd(0.1));
    InjectHyperparamsState state = (InjectHyperparamsState) tx.init(params);
    OptState bad = state.withHyperparams(Map.of("lr", 0.1f));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(grads, bad, params));
    assertEquals("the hyperparameters in the optimizer state do not fit sgd at optimizer state .hyperparams: the state"
        + " has [lr] but sgd has [learning_rate]", e.getMessage());
  }

  @Test
  void hyperparameterSettersRejectNaNAndUnknownNames() {
    assertThrows(IllegalArgumentException.class, () -> adam(Double.NaN));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> adam(1e-3).with("beta1", 0.9));
    assertEquals("adam has no hyperparameter 'beta1'; its hyperparameters are [learning_rate, b1, b2, eps, eps_root]",
        unknown.getMessage());
    InjectHyperparamsState state = injectHyperparams(adam(1e-3)).init(params);
    IllegalArgumentException read = assertThrows(IllegalArgumentException.class, () -> state.hyperparam("lr"));
    assertEquals("no hyperparameter 'lr' in this state; its hyperparameters are [b1, b2, eps, eps_root, learning_rate]",
        read.getMessage());
    assertThrows(IllegalArgumentException.class, () -> state.withHyperparam("b1", Double.NaN));
  }

  @Test
  void paramsOfAnotherStructureForAdamw() {
    GradientTransformation tx = adamw(1e-3);
    OptState state = tx.init(params);
    Map<String, Object> otherParams = Map.of("dense", Map.of("kernel", kernel));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(grads, state, otherParams));
    assertEquals("params do not match the updates at ['dense']: the updates have dict with keys ['bias', 'kernel'] but"
        + " the params has dict with keys ['kernel']; only the updates have ['bias']", e.getMessage());
    OptimizerInputException none = assertThrows(OptimizerInputException.class, () -> tx.update(grads, state, null));
    assertTrue(none.getMessage().startsWith("add_decayed_weights needs the current params"), none.getMessage());
    assertStillUsable(tx, state, grads, params);
  }

  /** {@code Optax.step} checks grads against params before computing, for any transformation, donating or not. */
  @Test
  void stepWithGradsOfAnotherStructure() {
    GradientTransformation known = adam(1e-3);
    GradientTransformation foreign = new GradientTransformation() {
      @Override
      public OptState init(Object p) {
        return known.init(p);
      }

      @Override
      public UpdateResult update(Object updates, OptState state, Object p) {
        return known.update(updates, state, p);
      }
    };
    Map<String, Object> renamed = Map.of("dense", Map.of("kernel", kernel.mul(0.1), "b", bias.mul(0.1)));
    for (GradientTransformation tx : List.of(known, foreign)) {
      OptState state = tx.init(params);
      for (boolean donate : new boolean[] {false, true}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> {
              if (donate) {
                Optax.stepDonating(tx, params, state, renamed);
              } else {
                Optax.step(tx, params, state, renamed);
              }
            });
        assertTrue(e.getMessage().startsWith("grads do not match params at ['dense']: expected dict with keys"
            + " ['bias', 'kernel'] but found keys ['b', 'kernel']; missing ['bias']; unexpected ['b']"), e.getMessage());
        assertTrue(e.getMessage().contains("params structure: PyTreeDef({'dense': {'bias': *, 'kernel': *}})"),
            e.getMessage());
      }
      assertStillUsable(tx, state, grads, params);
      assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), boxed(kernel.dup().data().asDouble()),
          "the donated params were not released or overwritten");
    }
  }

  private static List<Double> boxed(double[] values) {
    List<Double> out = new java.util.ArrayList<>();
    for (double v : values) {
      out.add(v);
    }
    return out;
  }

  @Test
  void applyUpdatesOfAnotherShape() {
    Map<String, Object> bad = Map.of("dense", Map.of("kernel", kernel, "bias", Arrays32.vec(1, 2)));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> applyUpdates(params, bad));
    assertEquals("updates do not match the params at ['dense']['bias']: the params have float32[3] but the updates"
        + " have float32[2]", e.getMessage());
    Map<String, Object> missing = Map.of("dense", Map.of("kernel", kernel));
    OptimizerInputException m = assertThrows(OptimizerInputException.class, () -> applyUpdates(params, missing));
    assertEquals("['dense']", m.path().keystr());
    assertTrue(m.getMessage().contains("the params have dict with keys ['bias', 'kernel'] but the updates have dict with"
        + " keys ['kernel']"), m.getMessage());
  }

  @Test
  void maskWithANonBooleanLeaf() {
    GradientTransformation tx = adamw(1e-3).mask(Mask.of(Map.of("dense", Map.of("kernel", true, "bias", "no"))));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.init(params));
    assertEquals("mask leaves must be Booleans at ['dense']['bias']: found String no", e.getMessage());
  }

  /** A chain checks every part before the first computes: the schedule of part 0 is never called. */
  @Test
  void nothingIsComputedBeforeTheCheck() {
    AtomicInteger calls = new AtomicInteger();
    GradientTransformation tx = chain(scaleBySchedule(count -> {
      calls.incrementAndGet();
      return 1.0;
    }), adam(1e-3));
    ChainState state = (ChainState) tx.init(params);
    OptState broken = state.with(1, sgd(0.1).init(params));
    OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> tx.update(grads, broken, params));
    assertEquals("[1][0]", e.statePath().keystr());
    assertTrue(e.getMessage().contains("expected a ScaleByAdamState but found EmptyState"), e.getMessage());
    assertEquals(0, calls.get(), "no part computed before the check failed");
    tx.update(grads, state, params);
    assertEquals(1, calls.get());
  }

  @Test
  void inputsAreNotWritten() {
    GradientTransformation tx = chain(clipByGlobalNorm(0.1), adamw(1e-1));
    OptState state = tx.init(params);
    List<double[]> paramsBefore = leafValues(params);
    List<double[]> gradsBefore = leafValues(grads);
    for (int i = 0; i < 3; i++) {
      UpdateResult r = tx.update(grads, state, params);
      Object newParams = applyUpdates(params, r.updates());
      assertInstanceOf(Map.class, newParams);
      state = r.state();
    }
    List<double[]> paramsAfter = leafValues(params);
    List<double[]> gradsAfter = leafValues(grads);
    for (int i = 0; i < paramsBefore.size(); i++) {
      assertArrayEquals(paramsBefore.get(i), paramsAfter.get(i));
      assertArrayEquals(gradsBefore.get(i), gradsAfter.get(i));
    }
  }
}
