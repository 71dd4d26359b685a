package org.pytree4j.optim.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.pytree4j.optim.Optax.applyUpdates;
import static org.pytree4j.optim.Optax.scaleByAdam;
import static org.pytree4j.optim.Optax.scaleByAdamax;
import static org.pytree4j.optim.Optax.scaleByFactoredRms;
import static org.pytree4j.optim.Optax.scaleByParamBlockRms;
import static org.pytree4j.optim.Optax.scaleByRms;
import static org.pytree4j.optim.Optax.scaleByStddev;
import static org.pytree4j.optim.Optax.scaleByTrustRatio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.PyTrees;
import org.pytree4j.optim.Arrays32;
import org.pytree4j.optim.FactoredState;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.OptState;
import org.pytree4j.optim.ScaleByAdamState;
import org.pytree4j.optim.ScaleByFactoredRms;
import org.pytree4j.optim.UpdateResult;

/**
 * The cases from Optax's {@code transform_test.py} and {@code factorized_test.py} for the
 * transformations behind adamax, rmsprop, lamb, lars and adafactor. Python-only inputs are
 * translated by hand; each translation pins the Python text it stands for.
 */
final class TransformCases {
  private TransformCases() {}

  /** {@code test_scalers}: finite states and updates of the params' shapes. */
  static void finiteAndShaped(Case c) {
    String text = c.text("transformation");
    GradientTransformation tx = switch (text) {
      case "scale_by_adamax()" -> scaleByAdamax();
      case "scale_by_rms()" -> scaleByRms();
      case "scale_by_stddev()" -> scaleByStddev();
      case "scale_by_trust_ratio()" -> scaleByTrustRatio();
      case "scale_by_param_block_rms()" -> scaleByParamBlockRms();
      case "scale_by_factored_rms()" -> scaleByFactoredRms();
      default -> fail(c.name() + ": transformation not translated: " + text);
    };
    c.expectText("all finite", "expected", "state_after_init");
    c.expectText("params, updates and state all finite; updates have the params' shapes", "expected", "after_update");
    assertEquals(1, c.integer("steps"));
    List<Object> params = Trees.arrays(c.get("inputs", "init_params"));
    List<Object> updates = Trees.arrays(c.get("inputs", "per_step_updates"));
    OptState state = tx.init(params);
    assertFinite(state, c.name() + " state after init");
    UpdateResult r = tx.update(updates, state, params);
    assertFinite(params, c.name() + " params");
    assertFinite(r.updates(), c.name() + " updates");
    assertFinite(r.state(), c.name() + " state");
    List<Object> p = PyTrees.leaves(params);
    List<Object> u = PyTrees.leaves(r.updates());
    assertEquals(p.size(), u.size(), c.name());
    for (int i = 0; i < p.size(); i++) {
      assertArrayEquals(((INDArray) p.get(i)).shape(), ((INDArray) u.get(i)).shape(), c.name() + " leaf " + i);
    }
  }

  /** {@code test_rms_match_adam}: bias-corrected rms with eps outside the root is adam with {@code b1=0}. */
  static void rmsMatchesAdam(Case c) {
    c.expectText("scale_by_rms(decay=0.999, eps_in_sqrt=False, bias_correction=True) vs scale_by_adam(b1=0)",
        "transformation");
    c.expectText("tree norm squared", "inputs", "objective");
    c.expectText("jax.grad(objective)", "inputs", "grads");
    c.expectText("the same after the steps", "expected", "params");
    GradientTransformation rms = scaleByRms().decay(c.num("hyperparameters", "decay")).epsInSqrt(false)
        .biasCorrection(true);
    GradientTransformation adam = scaleByAdam().b1(c.num("hyperparameters", "b1"));
    Object rmsParams = Trees.arrays(c.get("inputs", "init_params"));
    Object adamParams = rmsParams;
    OptState rmsState = rms.init(rmsParams);
    OptState adamState = adam.init(adamParams);
    for (int i = 0; i < c.integer("steps"); i++) {
      // the gradient of the squared norm
      UpdateResult r = rms.update(Trees.times(2, rmsParams), rmsState, null);
      rmsParams = applyUpdates(rmsParams, r.updates());
      rmsState = r.state();
      UpdateResult a = adam.update(Trees.times(2, adamParams), adamState, null);
      adamParams = applyUpdates(adamParams, a.updates());
      adamState = a.state();
    }
    Trees.assertTreesClose(adamParams, rmsParams, c.get("tolerance"), c.name());
  }

  /**
   * {@code test_update_infinity_moment}: Optax's helper is adamax's second moment,
   * {@code max(|g| + eps, decay * nu)}; here it is read from one step of {@code scale_by_adamax}
   * with {@code b2 = decay} started from {@code nu = moments}.
   */
  static void infinityMoment(Case c) {
    c.expectText("update_infinity_moment(updates, moments, decay, eps), the nu of scale_by_adamax(b2=decay, eps=eps)",
        "transformation");
    double decay = c.num("hyperparameters", "decay");
    INDArray values = Trees.array(c.get("inputs", "values"));
    JsonNode expected = c.get("expected");
    assertEquals(4, expected.size());
    for (String part : List.of("identity", "decayed_max", "absolute_values", "at_least_eps")) {
      double eps = c.num("expected", part, "eps");
      INDArray updates = vector(c.text("expected", part, "updates"), values, decay, eps);
      INDArray moments = vector(c.text("expected", part, "moments"), values, decay, eps);
      INDArray result = vector(c.text("expected", part, "result"), values, decay, eps);
      ScaleByAdamState state = new ScaleByAdamState(0, Nd4j.zeros(DataType.FLOAT, 2), moments);
      UpdateResult r = scaleByAdamax().b2(decay).eps(eps).update(updates, state, null);
      INDArray nu = (INDArray) ((ScaleByAdamState) r.state()).nu();
      Trees.assertTreesClose(result, nu, c.get("tolerance"), c.name() + " " + part);
    }
  }

  /** The test's vector expressions, from its {@code values}, {@code decay} and {@code eps}. */
  private static INDArray vector(String python, INDArray values, double decay, double eps) {
    return switch (python) {
      case "values" -> values;
      case "-values" -> values.neg();
      case "zeros" -> Nd4j.zeros(DataType.FLOAT, values.shape());
      case "decay * values" -> values.mul(decay);
      case "ones * eps" -> Nd4j.ones(DataType.FLOAT, values.shape()).mul(eps);
      default -> fail("expression not translated: " + python);
    };
  }

  /**
   * factorized_test's {@code test_preserve_dtype}: updates in the params' dtype, factored or not. The
   * factored params are checked to be factored (row and column statistics, a placeholder {@code v}).
   */
  static void factoredPreservesDtype(Case c) {
    c.expectText("scale_by_factored_rms()", "transformation");
    c.expectText("ones((129, 129))", "inputs", "params", "factored");
    c.expectText("sum(x**2)", "inputs", "objective");
    c.expectText("jax.grad(objective)", "inputs", "grads");
    c.expectText("the params' dtype", "expected", "updates_dtype");
    assertEquals(1, c.integer("steps"));
    ScaleByFactoredRms tx = scaleByFactoredRms();
    double[] small = c.nums("inputs", "params", "not_factored");
    for (JsonNode name : c.get("inputs", "dtypes")) {
      DataType type = OptimizerCases.dtype(name.asText());
      for (INDArray params : List.of(Nd4j.ones(type, 129, 129), Arrays32.vec(small).castTo(type))) {
        INDArray grads = params.mul(2);
        FactoredState state = (FactoredState) tx.init(params);
        UpdateResult r = tx.update(grads, state, params);
        assertEquals(type, ((INDArray) r.updates()).dataType(), c.name() + " " + name.asText());
        boolean factored = params.rank() == 2;
        assertArrayEquals(factored ? new long[] {129} : new long[] {1}, ((INDArray) state.vRow()).shape());
        assertArrayEquals(factored ? new long[] {1} : params.shape(), ((INDArray) state.v()).shape());
      }
    }
  }

  /** {@code test_step_offset_keeps_the_state_finite}: no NaN before the offset is reached. */
  static void stepOffsetKeepsStateFinite(Case c) {
    c.expectText("scale_by_factored_rms(step_offset=step_offset)", "transformation");
    c.expectText("ones((129, 129))", "inputs", "params", "factored");
    c.expectText("full(params.shape, 0.1 * (i + 1)) for i in range(step_offset + 2)", "inputs", "grads");
    c.expectText("updates and state all finite", "expected", "after_every_update");
    double[] small = c.nums("inputs", "params", "not_factored");
    for (JsonNode offset : c.get("hyperparameters", "step_offsets")) {
      GradientTransformation tx = scaleByFactoredRms().stepOffset(offset.asInt());
      for (INDArray params : List.of(Nd4j.ones(DataType.FLOAT, 129, 129), Arrays32.vec(small))) {
        OptState state = tx.init(params);
        for (int i = 0; i < offset.asInt() + 2; i++) {
          INDArray grads = Nd4j.zeros(DataType.FLOAT, params.shape()).addi(0.1 * (i + 1));
          UpdateResult r = tx.update(grads, state, params);
          state = r.state();
          assertFinite(r.updates(), c.name() + " offset " + offset + " update " + i);
          assertFinite(state, c.name() + " offset " + offset + " state " + i);
        }
      }
    }
  }

  /** {@code test_step_offset_holds_the_schedule_at_its_first_step}: decay 0 until the offset is passed. */
  static void stepOffsetHoldsFirstStep(Case c) {
    c.expectText("scale_by_factored_rms(step_offset=3, min_dim_size_to_factor=128, epsilon=1e-30)", "transformation");
    c.expectText("full(params.shape, 0.1 * (i + 1)) for i in range(step_offset + 1)", "inputs", "grads");
    c.expectText("grads**2 + epsilon", "expected", "v_each_step");
    c.expectText("every element < grads**2", "expected", "v_after");
    int offset = (int) c.integer("hyperparameters", "step_offset");
    double epsilon = c.num("hyperparameters", "epsilon");
    GradientTransformation tx = scaleByFactoredRms().stepOffset(offset).minDimSizeToFactor(128).epsilon(epsilon);
    INDArray params = Trees.array(c.get("inputs", "params"));
    OptState state = tx.init(params);
    for (int i = 0; i < offset + 1; i++) {
      INDArray grads = Nd4j.zeros(DataType.FLOAT, params.shape()).addi(0.1 * (i + 1));
      state = tx.update(grads, state, params).state();
      double[] g = Trees.values(grads);
      double[] expected = new double[g.length];
      for (int k = 0; k < g.length; k++) {
        expected[k] = g[k] * g[k] + epsilon;
      }
      Trees.assertTreesClose(Nd4j.createFromArray(expected), ((FactoredState) state).v(), c.get("tolerance"),
          c.name() + " step " + i);
    }
    double after = c.num("inputs", "grads_after");
    INDArray grads = Nd4j.zeros(DataType.FLOAT, params.shape()).addi(after);
    state = tx.update(grads, state, params).state();
    for (double v : Trees.values((INDArray) ((FactoredState) state).v())) {
      assertTrue(v < (float) (after * after), c.name() + ": v " + v + " lags behind " + after * after);
    }
  }

  /** {@code test_step_offset_restarts_a_restored_schedule}: count == offset behaves as a fresh state. */
  static void stepOffsetRestarts(Case c) {
    c.expectText("scale_by_factored_rms(step_offset=100) from a state with count=100 vs scale_by_factored_rms() fresh",
        "transformation");
    c.expectText("equal", "expected", "updates");
    assertEquals(1, c.integer("steps"));
    int offset = (int) c.integer("hyperparameters", "step_offset");
    INDArray params = Trees.array(c.get("inputs", "params"));
    INDArray grads = Trees.array(c.get("inputs", "grads"));
    GradientTransformation scaler = scaleByFactoredRms().stepOffset(offset);
    GradientTransformation fresh = scaleByFactoredRms();
    FactoredState restored = ((FactoredState) scaler.init(params)).withCount(offset);
    Object restoredUpdates = scaler.update(grads, restored, params).updates();
    Object freshUpdates = fresh.update(grads, fresh.init(params), params).updates();
    Trees.assertTreesClose(restoredUpdates, freshUpdates, c.get("tolerance"), c.name());
  }

  /** Every array leaf of {@code tree} holds finite values. */
  private static void assertFinite(Object tree, String what) {
    for (Object leaf : PyTrees.leaves(tree)) {
      if (leaf instanceof INDArray a) {
        for (double v : Trees.values(a)) {
          assertTrue(Double.isFinite(v), what + ": " + v);
        }
      } else if (!(leaf instanceof Number)) {
        fail(what + ": unexpected leaf " + leaf);
      }
    }
  }
}
