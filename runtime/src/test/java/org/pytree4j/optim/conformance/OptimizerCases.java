package org.pytree4j.optim.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
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
import static org.pytree4j.optim.Optax.masked;
import static org.pytree4j.optim.Optax.nadam;
import static org.pytree4j.optim.Optax.nadamw;
import static org.pytree4j.optim.Optax.rmsprop;
import static org.pytree4j.optim.Optax.scale;
import static org.pytree4j.optim.Optax.scaleByAdam;
import static org.pytree4j.optim.Optax.sgd;
import static org.pytree4j.optim.Optax.trace;
import static org.pytree4j.optim.conformance.Trees.ones;
import static org.pytree4j.optim.conformance.Trees.zeros;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.PyTreeNode;
import org.pytree4j.PyTrees;
import org.pytree4j.optim.Arrays32;
import org.pytree4j.optim.ChainState;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.InjectHyperparamsState;
import org.pytree4j.optim.Injectable;
import org.pytree4j.optim.Mask;
import org.pytree4j.optim.OptState;
import org.pytree4j.optim.Optax;
import org.pytree4j.optim.UpdateResult;
import org.pytree4j.optim.schedule.Schedule;
import org.pytree4j.optim.schedule.Schedules;
import org.pytree4j.optim.schedule.StatefulSchedule;

/**
 * The optimizer cases. Python-only inputs (lambdas, {@code ones((2,3))}, {@code 3 x zeros([2, 3])})
 * are translated by hand per case; each translation pins the Python text it stands for, so a changed
 * case fails instead of testing something else. Numbers are always read from the case.
 */
final class OptimizerCases {
  private OptimizerCases() {}

  /** Optax's example stateful schedule: {@code total += extra_args['addendum']}, value = total. */
  @PyTreeNode
  record TotalState(float total) implements OptimizerCases_TotalStatePyTree.With {}

  static final class AddendumSchedule implements StatefulSchedule<TotalState> {
    @Override
    public TotalState init() {
      return new TotalState(0);
    }

    @Override
    public TotalState update(TotalState state, Map<String, ?> extraArgs) {
      return new TotalState(state.total() + ((Number) extraArgs.get("addendum")).floatValue());
    }

    @Override
    public double value(TotalState state, Map<String, ?> extraArgs) {
      return state.total();
    }
  }

  /** kind "optimizer", "optimizer_error", "optimizer_state", "transform", "apply_updates": by name. */
  static void byName(Case c) {
    switch (c.name()) {
      case "inject_scale_piecewise_schedule_step_sizes" -> injectScalePiecewise(c);
      case "inject_trace_schedule_hyperparams_state_timing" -> injectTraceTiming(c);
      case "inject_scale_by_adam_constant_b1_b2_zero" -> injectScaleByAdamConstants(c);
      case "inject_clip_by_global_norm_override_max_norm" -> injectClipOverride(c);
      case "inject_static_args_mask" -> injectStaticMask(c);
      case "inject_static_args_must_be_parameters" -> injectUnknownParameter(c);
      case "inject_first_update_uses_count_zero" -> injectCountZero(c);
      case "inject_stateful_schedule_extra_args" -> injectStateful(c);
      case "doc_inject_sgd_schedule_init_state" -> injectSgdInitRepr(c);
      case "clip_by_global_norm_1_over_i" -> clipOneOverI(c);
      case "apply_updates_basic" -> applyUpdatesBasic(c);
      case "apply_updates_keeps_param_dtype" -> applyUpdatesDtype(c);
      case "apply_updates_none_params" -> applyUpdatesNone(c);
      case "chain_equals_manual_sequence" -> chainEqualsManual(c);
      case "doc_safe_increment_int32" -> safeIncrementInt32(c);
      case "safe_increment_all_dtypes" -> safeIncrementAllDtypes(c);
      case "scale_by_adamax_finite_and_shaped_after_one_update", "scale_by_rms_finite_and_shaped_after_one_update",
          "scale_by_stddev_finite_and_shaped_after_one_update", "scale_by_trust_ratio_finite_and_shaped_after_one_update",
          "scale_by_param_block_rms_finite_and_shaped_after_one_update",
          "scale_by_factored_rms_finite_and_shaped_after_one_update" -> TransformCases.finiteAndShaped(c);
      case "scale_by_rms_bias_corrected_matches_scale_by_adam_b1_0" -> TransformCases.rmsMatchesAdam(c);
      case "scale_by_adamax_infinity_moment_update" -> TransformCases.infinityMoment(c);
      case "scale_by_factored_rms_preserves_dtype" -> TransformCases.factoredPreservesDtype(c);
      case "scale_by_factored_rms_step_offset_keeps_state_finite" -> TransformCases.stepOffsetKeepsStateFinite(c);
      case "scale_by_factored_rms_step_offset_holds_first_step_decay" -> TransformCases.stepOffsetHoldsFirstStep(c);
      case "scale_by_factored_rms_step_offset_restarts_restored_schedule" -> TransformCases.stepOffsetRestarts(c);
      default -> WrapperCases.byName(c);
    }
  }

  private static void injectScalePiecewise(Case c) {
    c.expectText("inject_hyperparams(scale)", "transformation");
    c.expectText("piecewise_constant_schedule(3.0, {1: 5, 7: 2, 12: 1.5})", "hyperparameters", "step_size");
    c.expectText("updates[0] after update i (i = 0..14) equals expected_step_size[i + 1], i.e. update i uses schedule(i)",
        "expected", "rule");
    Schedule schedule = Schedules.piecewiseConstant(3.0, Map.of(1, 5, 7, 2, 12, 1.5));
    List<Object> params = List.of(Trees.array(c.get("inputs", "params").get(0).get(0)));
    List<Object> grads = List.of(Trees.array(c.get("inputs", "grads").get(0).get(0)));
    GradientTransformation tx = injectHyperparams(scale(schedule));
    double[] expected = c.nums("expected", "expected_step_size");
    JsonNode tol = c.get("tolerance");
    OptState state = tx.init(params);
    long steps = c.integer("steps");
    for (int i = 0; i < steps; i++) {
      UpdateResult r = tx.update(grads, state, params);
      INDArray u = (INDArray) ((List<?>) r.updates()).get(0);
      assertEquals(0, u.rank(), "a scalar leaf stays a scalar");
      Tolerances.assertScalar(tol, expected[i + 1], u.getDouble(0), c.name() + " update " + i);
      state = r.state();
    }
  }

  private static void injectTraceTiming(Case c) {
    c.expectText("inject_hyperparams(trace)", "transformation");
    c.expectText("piecewise_constant_schedule(0.8, {3: 0.5, 9: 1.25})", "hyperparameters", "decay");
    c.expectText("3 x zeros([2, 3])", "inputs", "params");
    c.expectText("ones_like(params)", "inputs", "grads");
    c.expectText("before update i (i = 0..11) state.hyperparams['decay'] == expected_mom[i]; after the 12 updates it"
        + " equals 0.5. Meaning: after init it holds schedule(0); after n>=1 updates it holds schedule(n-1), the value"
        + " used by the latest update", "expected", "rule");
    boolean nesterov = c.get("hyperparameters", "nesterov").asBoolean();
    Schedule decay = Schedules.piecewiseConstant(0.8, Map.of(3, 0.5, 9, 1.25));
    List<Object> params = List.of(zeros(2, 3), zeros(2, 3), zeros(2, 3));
    List<Object> grads = Trees.onesLike(params);
    GradientTransformation tx = injectHyperparams(trace(decay).nesterov(nesterov));
    double[] expected = c.nums("expected", "expected_mom");
    JsonNode tol = c.get("tolerance");
    OptState state = tx.init(params);
    long steps = c.integer("steps");
    assertEquals(expected.length, steps);
    for (int i = 0; i < steps; i++) {
      Tolerances.assertScalar(tol, expected[i], ((InjectHyperparamsState) state).hyperparam("decay"),
          c.name() + " before update " + i);
      state = tx.update(grads, state, params).state();
    }
    Tolerances.assertScalar(tol, 0.5, state.findHyperparam("decay"), c.name() + " after the last update");
  }

  private static void injectScaleByAdamConstants(Case c) {
    c.expectText("inject_hyperparams(scale_by_adam)", "transformation");
    c.expectText("3 x zeros([2, 3])", "inputs", "params");
    c.expectText("ones_like(params)", "inputs", "grads");
    c.expectText("equal to grads (all ones)", "expected", "updates_each_step");
    List<Object> params = List.of(zeros(2, 3), zeros(2, 3), zeros(2, 3));
    List<Object> grads = Trees.onesLike(params);
    GradientTransformation tx = injectHyperparams(
        scaleByAdam().b1(c.num("hyperparameters", "b1")).b2(c.num("hyperparameters", "b2")));
    JsonNode expectedHyperparams = c.get("expected", "hyperparams_each_step");
    OptState state = tx.init(params);
    for (int i = 0; i < c.integer("steps"); i++) {
      UpdateResult r = tx.update(grads, state, params);
      state = r.state();
      Trees.assertTreesClose(grads, r.updates(), c.get("tolerance", "updates"), c.name() + " updates " + i);
      Map<String, Number> hp = ((InjectHyperparamsState) state).hyperparams();
      List<String> names = new ArrayList<>();
      expectedHyperparams.fieldNames().forEachRemaining(names::add);
      assertEquals(new java.util.TreeSet<>(names), hp.keySet(), c.name() + ": hyperparameter names");
      for (String name : names) {
        Tolerances.assertScalar(c.get("tolerance", "hyperparams"), expectedHyperparams.get(name).asDouble(),
            hp.get(name).doubleValue(), c.name() + " " + name + " after update " + i);
      }
    }
  }

  private static void injectClipOverride(Case c) {
    c.expectText("inject_hyperparams(clip_by_global_norm)", "transformation");
    c.expectText("zeros([3, 5, 7])", "inputs", "params");
    c.expectText("ones_like(params)", "inputs", "grads");
    c.expectText("before update i (i = 0..4) set state.hyperparams['max_norm'] = i; L2 norm of updates == i",
        "expected", "rule");
    INDArray params = zeros(3, 5, 7);
    INDArray grads = Trees.onesLike(params);
    GradientTransformation tx = injectHyperparams(clipByGlobalNorm(c.num("hyperparameters", "max_norm")));
    double[] norms = c.nums("expected", "norms");
    InjectHyperparamsState state = (InjectHyperparamsState) tx.init(params);
    for (int i = 0; i < c.integer("steps"); i++) {
      state = state.withHyperparam("max_norm", i);
      UpdateResult r = tx.update(grads, state, params);
      Tolerances.assertScalar(c.get("tolerance"), norms[i], Trees.norm(r.updates()), c.name() + " update " + i);
      state = (InjectHyperparamsState) r.state();
    }
  }

  private static void injectStaticMask(Case c) {
    c.expectText("inject_hyperparams(custom_optim, static_args='mask' or ['mask'])", "transformation");
    c.expectText("callable: tree_map(lambda x: x.ndim > 1)", "hyperparameters", "mask");
    c.expectText("masked(scale(-learning_rate), mask)", "hyperparameters", "custom_optim");
    c.expectText("[ones((1,2)), ones(2), ones((1,1,1))]", "inputs", "params");
    c.expectText("= params", "inputs", "grads");
    c.expectText("[-0.1*ones((1,2)), ones(2), -0.1*ones((1,1,1))]", "expected", "updates");
    assertEquals(1, c.integer("steps"));
    // Java needs no static_args: the mask is captured by the factory, only numbers are hyperparameters.
    Mask mask = Mask.byLeaf(x -> x.rank() > 1);
    Injectable customOptim = Injectable.of("custom_optim",
        Map.of(LEARNING_RATE, c.num("hyperparameters", "learning_rate")),
        values -> masked(scale(-values.get(LEARNING_RATE)), mask));
    GradientTransformation tx = injectHyperparams(customOptim);
    List<Object> params = List.of(ones(1, 2), ones(2), ones(1, 1, 1));
    OptState state = tx.init(params);
    UpdateResult r = tx.update(params, state, params);
    List<String> keys = new ArrayList<>();
    c.get("expected", "hyperparams_keys").forEach(k -> keys.add(k.asText()));
    assertEquals(keys, new ArrayList<>(((InjectHyperparamsState) r.state()).hyperparams().keySet()));
    List<Object> expected = List.of(ones(1, 2).mul(-0.1), ones(2), ones(1, 1, 1).mul(-0.1));
    Trees.assertTreesClose(expected, r.updates(), c.get("tolerance"), c.name());
  }

  private static void injectUnknownParameter(Case c) {
    c.expectText("inject_hyperparams(scale, static_args='lr')", "transformation");
    assertTrue(c.text("expected", "raises").startsWith("ValueError (static_args not a subset of inner_factory parameters;"
        + " scale's parameter is step_size)"), c.name());
    // Java has no static_args (types tell constants, schedules and static arguments apart); naming a
    // parameter that scale does not have is the same misuse, and fails the same way, listing the real ones.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> injectHyperparams(scale(1.0).with("lr", 0.1)));
    assertTrue(e.getMessage().contains("'lr'") && e.getMessage().contains("[step_size]"), e.getMessage());
  }

  private static void injectCountZero(Case c) {
    c.expectText("inject_hyperparams(scale)", "transformation");
    c.expectText("lambda count: count", "hyperparameters", "step_size");
    c.expectText("zeros(3)", "inputs", "params");
    assertEquals(1, c.integer("steps"));
    GradientTransformation tx = injectHyperparams(scale((Schedule) count -> count));
    INDArray params = zeros(3);
    INDArray grads = Trees.array(c.get("inputs", "grads"));
    UpdateResult r = tx.update(grads, tx.init(params), params);
    double[] expected = c.nums("expected", "updates");
    double[] actual = Trees.values((INDArray) r.updates());
    for (int i = 0; i < expected.length; i++) {
      Tolerances.assertScalar(c.get("tolerance"), expected[i], actual[i], c.name() + " element " + i);
    }
  }

  private static void injectStateful(Case c) {
    c.expectText("inject_hyperparams(scale) with a StatefulSchedule", "transformation");
    c.expectText("ExampleStatefulSchedule: init total=0 (int32); update total += extra_args['addendum'];"
        + " __call__ returns total", "hyperparameters", "step_size");
    c.expectText("(ones(3), ones(2)) float32", "inputs", "params");
    c.expectText("= params", "inputs", "grads");
    c.expectText("lr == addendum; total == 2 * addendum", "expected", "test_expression");
    double addendum = c.num("inputs", "extra_args", "addendum");
    GradientTransformation tx = injectHyperparams(scale(new AddendumSchedule()));
    List<Object> params = List.of(ones(3), ones(2));
    OptState state = tx.init(params);
    for (int i = 0; i < c.integer("steps"); i++) {
      state = ((org.pytree4j.optim.GradientTransformationExtraArgs) tx)
          .update(params, state, params, Map.of("addendum", addendum)).state();
    }
    InjectHyperparamsState s = (InjectHyperparamsState) state;
    JsonNode tol = c.get("tolerance");
    Tolerances.assertScalar(tol, (float) c.num("expected", "hyperparams.step_size_after_2_updates"),
        s.hyperparam("step_size"), c.name() + " step_size");
    Tolerances.assertScalar(tol, (float) c.num("expected", "hyperparams_states.step_size.total_after_2_updates"),
        ((TotalState) s.hyperparamsStates().get("step_size")).total(), c.name() + " total");
  }

  private static void injectSgdInitRepr(Case c) {
    c.expectText("inject_hyperparams(sgd)", "transformation");
    c.expectText("lambda count: 1/(count+1)", "hyperparameters", "learning_rate");
    assertEquals(0, c.integer("steps"));
    assertTrue(c.get("tolerance", "exact").asBoolean());
    GradientTransformation tx = injectHyperparams(sgd((Schedule) count -> 1.0 / (count + 1)));
    OptState state = tx.init(Trees.array(c.get("inputs", "params")));
    assertEquals(c.text("expected", "state_repr"), Trees.pythonRepr(state));
  }

  private static void clipOneOverI(Case c) {
    c.expectText("clip_by_global_norm", "transformation");
    c.expectText("1.0 / i for i in 1..50", "hyperparameters", "max_norm");
    c.expectText("updates_i = clip(updates_{i-1}); global L2 norm of updates_i == 1/i; clip(original updates) gives"
        + " the same result as clipping the already-clipped updates", "expected", "rule");
    List<Object> original = Trees.arrays(c.get("inputs", "updates"));
    Object updates = original;
    long steps = c.integer("steps");
    for (int i = 1; i <= steps; i++) {
      GradientTransformation clipper = clipByGlobalNorm(1.0 / i);
      updates = clipper.update(updates, clipper.init(null), null).updates();
      Tolerances.assertScalar(c.get("tolerance", "norm"), 1.0 / i, Trees.norm(updates), c.name() + " i=" + i);
      Object fromOriginal = clipper.update(original, clipper.init(null), null).updates();
      Trees.assertTreesClose(updates, fromOriginal, c.get("tolerance", "idempotence"), c.name() + " idempotence i=" + i);
    }
  }

  private static void applyUpdatesBasic(Case c) {
    c.expectText("apply_updates", "transformation");
    c.expectText("({'a': ones((3,2))}, ones((1,)))", "inputs", "params");
    c.expectText("2 * params", "inputs", "updates");
    c.expectText("3 * params", "expected", "new_params");
    List<Object> params = List.of(Map.of("a", ones(3, 2)), ones(1));
    Object result = applyUpdates(params, Trees.times(2, params));
    Trees.assertTreesClose(Trees.times(3, params), result, c.get("tolerance"), c.name());
  }

  private static void applyUpdatesDtype(Case c) {
    c.expectText("apply_updates", "transformation");
    c.expectText("({'a': ones((3,2), bfloat16)}, ones((1,), bfloat16))", "inputs", "params");
    c.expectText("2 * params cast to float32", "inputs", "updates");
    c.expectText("bfloat16", "expected", "every_leaf_dtype");
    assertTrue(c.get("tolerance", "exact").asBoolean());
    List<Object> params = List.of(Map.of("a", Nd4j.ones(DataType.BFLOAT16, 3, 2)), Nd4j.ones(DataType.BFLOAT16, 1));
    Object updates = PyTrees.map((INDArray p) -> p.mul(2).castTo(DataType.FLOAT), params);
    for (Object leaf : PyTrees.leaves(updates)) {
      assertEquals(DataType.FLOAT, ((INDArray) leaf).dataType());
    }
    Object result = applyUpdates(params, updates);
    for (Object leaf : PyTrees.leaves(result)) {
      assertEquals(DataType.BFLOAT16, ((INDArray) leaf).dataType(), c.name());
      for (double v : Trees.values((INDArray) leaf)) {
        assertEquals(3.0, v, 0.0, c.name());
      }
    }
  }

  private static void applyUpdatesNone(Case c) {
    c.expectText("apply_updates", "transformation");
    assertTrue(c.get("inputs", "params").isNull());
    assertEquals(false, c.get("expected", "raises").asBoolean());
    c.expectText("None params are a leaf mapped to None", "expected", "note");
    Object updates = Trees.array(c.get("inputs", "updates"));
    assertNull(applyUpdates(null, updates));
  }

  private static void chainEqualsManual(Case c) {
    c.expectText("chain(scale_by_adam(), trace(decay=0, nesterov=False), scale(-1e-2))", "transformation");
    c.expectText("tuple (after init and after every update)", "expected", "state_type");
    c.expectText("equal to applying the three transforms one after another by hand", "expected", "params");
    GradientTransformation chained = chain(scaleByAdam(), trace(0, false), scale(-1e-2));
    GradientTransformation[] manual = {scaleByAdam(), trace(0, false), scale(-1e-2)};
    Object chainParams = Trees.arrays(c.get("inputs", "init_params"));
    Object manualParams = chainParams;
    Object perStep = Trees.arrays(c.get("inputs", "per_step_updates"));
    OptState chainState = chained.init(chainParams);
    OptState[] manualStates = new OptState[3];
    for (int k = 0; k < 3; k++) {
      manualStates[k] = manual[k].init(manualParams);
    }
    assertInstanceOf(ChainState.class, chainState);
    assertEquals(3, ((ChainState) chainState).size());
    for (int i = 0; i < c.integer("steps"); i++) {
      UpdateResult r = chained.update(perStep, chainState, chainParams);
      chainState = r.state();
      assertInstanceOf(ChainState.class, chainState);
      assertEquals(3, ((ChainState) chainState).size());
      chainParams = applyUpdates(chainParams, r.updates());
      Object u = perStep;
      for (int k = 0; k < 3; k++) {
        UpdateResult m = manual[k].update(u, manualStates[k], manualParams);
        u = m.updates();
        manualStates[k] = m.state();
      }
      manualParams = applyUpdates(manualParams, u);
      Trees.assertTreesClose(manualParams, chainParams, c.get("tolerance"), c.name() + " step " + i);
    }
  }

  private static void safeIncrementInt32(Case c) {
    c.expectText("safe_increment", "transformation");
    assertTrue(c.get("tolerance", "exact").asBoolean());
    JsonNode counts = c.get("inputs", "counts_int32");
    JsonNode values = c.get("expected", "values");
    for (int i = 0; i < counts.size(); i++) {
      assertEquals(values.get(i).asInt(), Optax.safeIncrement(counts.get(i).asInt()), c.name());
      INDArray array = Nd4j.scalar(DataType.INT, counts.get(i).asInt());
      assertEquals(values.get(i).asLong(), Optax.safeIncrement(array).getLong(0), c.name() + " (array)");
    }
  }

  private static void safeIncrementAllDtypes(Case c) {
    c.expectText("safe_increment", "transformation");
    assertTrue(c.get("tolerance", "exact").asBoolean());
    c.expectText("unchanged (iinfo.max / finfo.max stays put)", "expected", "at_dtype_max");
    c.expectText("ValueError", "expected", "bool_or_complex64");
    long value = c.integer("inputs", "value");
    long incremented = c.integer("expected", "values");
    for (JsonNode name : c.get("inputs", "dtypes")) {
      DataType type = dtype(name.asText());
      INDArray three = Nd4j.scalar(type, value);
      INDArray four = Optax.safeIncrement(three);
      assertEquals(type, four.dataType(), name.asText());
      assertEquals(incremented, four.getLong(0), name.asText());
      assertEquals(value, three.getLong(0), name.asText() + ": the input is not changed");
      INDArray max = Nd4j.create(type, new long[0]);
      putMax(max, name.asText());
      INDArray stays = Optax.safeIncrement(max);
      if (type == DataType.UINT64) {
        assertEquals(-1L, stays.getLong(0), "uint64 max (all bits set) stays");
      } else if (FloatTypesForTest.isFloat(type)) {
        assertEquals(max.getDouble(0), stays.getDouble(0), 0.0, name.asText() + " finfo.max stays");
      } else {
        assertEquals(max.getLong(0), stays.getLong(0), name.asText() + " iinfo.max stays");
      }
    }
    // ND4J has no complex dtype; bool is the one of the two it has.
    assertThrows(IllegalArgumentException.class, () -> Optax.safeIncrement(Nd4j.scalar(true)));
  }

  static DataType dtype(String numpyName) {
    return switch (numpyName) {
      case "bfloat16" -> DataType.BFLOAT16;
      case "float16" -> DataType.HALF;
      case "float32" -> DataType.FLOAT;
      case "float64" -> DataType.DOUBLE;
      case "int8" -> DataType.BYTE;
      case "int16" -> DataType.SHORT;
      case "int32" -> DataType.INT;
      case "int64" -> DataType.LONG;
      case "uint8" -> DataType.UBYTE;
      case "uint16" -> DataType.UINT16;
      case "uint32" -> DataType.UINT32;
      case "uint64" -> DataType.UINT64;
      default -> fail("dtype not translated: " + numpyName);
    };
  }

  /** Writes the dtype's maximum; integers through the buffer (INDArray.putScalar would round a long). */
  private static void putMax(INDArray a, String numpyName) {
    switch (numpyName) {
      case "bfloat16" -> a.putScalar(0, 3.3895313892515355e38);
      case "float16" -> a.putScalar(0, 65504.0);
      case "float32" -> a.putScalar(0, Float.MAX_VALUE);
      case "float64" -> a.putScalar(0, Double.MAX_VALUE);
      case "int8" -> a.data().put(0, 127L);
      case "int16" -> a.data().put(0, 32767L);
      case "int32" -> a.data().put(0, (long) Integer.MAX_VALUE);
      case "int64" -> a.data().put(0, Long.MAX_VALUE);
      case "uint8" -> a.data().put(0, 255L);
      case "uint16" -> a.data().put(0, 65535L);
      case "uint32" -> a.data().put(0, 4294967295L);
      case "uint64" -> a.data().put(0, -1L);
      default -> fail("dtype not translated: " + numpyName);
    }
  }

  /** Float dtypes, for the safe_increment case. */
  private static final class FloatTypesForTest {
    static boolean isFloat(DataType t) {
      return t == DataType.FLOAT || t == DataType.DOUBLE || t == DataType.HALF || t == DataType.BFLOAT16;
    }
  }

  // ---- the alias cases: convergence, equivalence, docstring trajectories ----

  /** The alias the case names, with its hyperparameters (learning_rate; momentum for sgd, weight_decay for lion). */
  static Injectable alias(String name, double lr, Case c) {
    return switch (name) {
      case "adam" -> adam(lr);
      case "adamw" -> adamw(lr);
      case "nadam" -> nadam(lr);
      case "nadamw" -> nadamw(lr);
      case "sgd" -> c != null && c.has("hyperparameters", "momentum") ? sgd(lr, c.num("hyperparameters", "momentum")) : sgd(lr);
      case "lion" -> c != null && c.has("hyperparameters", "weight_decay")
          ? lion(lr).weightDecay(c.num("hyperparameters", "weight_decay")) : lion(lr);
      case "adabelief" -> adabelief(lr);
      case "adafactor" -> adafactor(lr);
      case "adagrad" -> adagrad(lr);
      case "adamax" -> adamax(lr);
      case "lamb" -> lamb(lr);
      case "lars" -> lars(lr);
      case "rmsprop" -> c != null && c.has("hyperparameters", "momentum")
          ? rmsprop(lr).momentum(c.num("hyperparameters", "momentum")) : rmsprop(lr);
      default -> fail("alias not translated: " + name);
    };
  }

  /** The alias the case names with its hyperparameters; adafactor may have no learning rate (Optax's None). */
  static Injectable alias(String name, Case c) {
    if (!c.has("hyperparameters", "learning_rate")) {
      assertEquals("adafactor", name, c.name() + ": only adafactor takes no learning rate");
      c.get("hyperparameters").fieldNames().forEachRemaining(field -> assertEquals("static_args", field,
          c.name() + ": adafactor() with Optax's defaults"));
      return adafactor();
    }
    return alias(name, c.num("hyperparameters", "learning_rate"), c);
  }

  /** The gradient of the objectives of alias_test.py, in float64 from the float32 params. */
  private static INDArray gradient(String objective, INDArray params) {
    double[] p = Trees.values(params);
    double[] g = new double[p.length];
    switch (objective) {
      case "sum((params - [1.0, -1.0, 1.0])**2)" -> {
        double[] target = {1.0, -1.0, 1.0};
        for (int i = 0; i < p.length; i++) {
          g[i] = 2 * (p[i] - target[i]);
        }
      }
      case "(a - p0)**2 + b * (p1 - p0**2)**2 with a=1.0, b=100.0" -> {
        double a = 1.0;
        double b = 100.0;
        g[0] = -2 * (a - p[0]) - 4 * b * p[0] * (p[1] - p[0] * p[0]);
        g[1] = 2 * b * (p[1] - p[0] * p[0]);
      }
      case "sum(x**2)" -> {
        for (int i = 0; i < p.length; i++) {
          g[i] = 2 * p[i];
        }
      }
      default -> fail("objective not translated: " + objective);
    }
    return Arrays32.vec(g);
  }

  private static double objective(String objective, INDArray params) {
    assertEquals("sum(x**2)", objective);
    double sum = 0;
    for (double x : Trees.values(params)) {
      sum += x * x;
    }
    return sum;
  }

  /** kind "optimizer_convergence". */
  static void convergence(Case c) {
    String name = c.text("transformation");
    Injectable tx = alias(name, c);
    c.expectText("float32", "inputs", "dtype");
    if (c.has("inputs", "grads")) {
      c.expectText("jax.grad(objective)", "inputs", "grads");
    }
    String objective = c.text("inputs", "objective");
    INDArray params = Trees.array(c.get("inputs", "initial_params"));
    OptState state = tx.init(params);
    for (long i = 0; i < c.integer("steps"); i++) {
      UpdateResult r = tx.update(gradient(objective, params), state, params);
      params = applyUpdates(params, r.updates());
      state = r.state();
    }
    double[] expected = c.nums("expected", "final_params");
    double[] actual = Trees.values(params);
    for (int i = 0; i < expected.length; i++) {
      Tolerances.assertScalar(c.get("tolerance"), expected[i], actual[i], c.name() + " param " + i);
    }
  }

  /**
   * kind "optimizer_dtype": Optax's {@code test_preserve_dtype}, the updates of one step have the
   * gradients' dtype, for params {@code [1, 2]} in each dtype and {@code grads = 2 * params}.
   */
  static void preservesDtype(Case c) {
    GradientTransformation tx = alias(c.text("transformation"), c);
    c.expectText("sum(x**2)", "inputs", "objective");
    c.expectText("jax.grad(objective)", "inputs", "grads");
    c.expectText("the grads' dtype", "expected", "updates_dtype");
    assertEquals(1, c.integer("steps"));
    double[] values = c.nums("inputs", "params");
    for (JsonNode name : c.get("inputs", "dtypes")) {
      DataType type = dtype(name.asText());
      INDArray params = Arrays32.vec(values).castTo(type);
      INDArray grads = params.mul(2);
      assertEquals(type, grads.dataType());
      UpdateResult r = tx.update(grads, tx.init(params), params);
      assertEquals(type, ((INDArray) r.updates()).dataType(), c.name() + " " + name.asText());
    }
  }

  /** kind "optimizer_equivalence": inject_hyperparams(alias) gives the plain alias's updates and state. */
  static void injectEquivalence(Case c) {
    if (c.name().equals("constant_schedule_equals_constant_lr")) {
      constantScheduleEqualsConstant(c);
      return;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("inject_hyperparams\\((\\w+)\\) vs (\\w+)")
        .matcher(c.text("transformation"));
    assertTrue(m.matches() && m.group(1).equals(m.group(2)), c.name());
    c.expectText("[-ones((2,3)), ones((2,5,2))]", "inputs", "params");
    c.expectText("[ones((2,3)), -ones((2,5,2))]", "inputs", "grads");
    c.expectText("equal to the plain optimizer's updates", "expected", "updates");
    c.expectText("equal to the plain optimizer's state", "expected", "inner_state");
    if (c.has("hyperparameters", "static_args")) {
      // Optax must keep this integer out of the injected (traced) hyperparameters to jit adafactor;
      // here every integer argument of adafactor is static already
      c.expectText("min_dim_size_to_factor", "hyperparameters", "static_args");
      assertEquals("adafactor", m.group(1), c.name());
    }
    Injectable plain = alias(m.group(1), c);
    GradientTransformation injected = injectHyperparams(plain);
    List<Object> params = List.of(ones(2, 3).neg(), ones(2, 5, 2));
    List<Object> grads = List.of(ones(2, 3), ones(2, 5, 2).neg());
    OptState plainState = plain.init(params);
    OptState injectState = injected.init(params);
    for (int i = 0; i < c.integer("steps"); i++) {
      UpdateResult p = plain.update(grads, plainState, params);
      UpdateResult q = injected.update(grads, injectState, params);
      Trees.assertTreesClose(p.updates(), q.updates(), c.get("tolerance", "updates"), c.name() + " updates");
      Trees.assertTreesClose(p.state(), ((InjectHyperparamsState) q.state()).innerState(), c.get("tolerance", "state"),
          c.name() + " inner state");
      plainState = p.state();
      injectState = q.state();
    }
  }

  /** {@code <opt>(learning_rate=constant_schedule(1e-3))} follows the same trajectory as {@code <opt>(1e-3)}. */
  private static void constantScheduleEqualsConstant(Case c) {
    c.expectText("<opt>(learning_rate=constant_schedule(1e-3)) vs <opt>(learning_rate=1e-3)", "transformation");
    c.expectText("adam, adamw, sgd(momentum=0.9), ... (alias_test._OPTIMIZERS_UNDER_TEST)", "hyperparameters", "optimizers");
    c.expectText("parabola as above", "inputs", "objective");
    c.expectText("identical trajectories", "expected", "params");
    double lr = 1e-3;
    Map<String, Function<Object, GradientTransformation>> optimizers = new java.util.LinkedHashMap<>();
    optimizers.put("adam", l -> l instanceof Schedule s ? adam(s) : adam((Double) l));
    optimizers.put("adamw", l -> l instanceof Schedule s ? adamw(s) : adamw((Double) l));
    optimizers.put("nadam", l -> l instanceof Schedule s ? nadam(s) : nadam((Double) l));
    optimizers.put("nadamw", l -> l instanceof Schedule s ? nadamw(s) : nadamw((Double) l));
    optimizers.put("sgd", l -> l instanceof Schedule s ? sgd(s) : sgd((Double) l));
    optimizers.put("sgd(momentum=0.9)", l -> l instanceof Schedule s ? sgd(s).momentum(0.9) : sgd((Double) l, 0.9));
    optimizers.put("sgd(momentum=0.9, nesterov=True)",
        l -> l instanceof Schedule s ? sgd(s).momentum(0.9).nesterov(true) : sgd((Double) l, 0.9, true));
    for (Map.Entry<String, Function<Object, GradientTransformation>> e : optimizers.entrySet()) {
      GradientTransformation constant = e.getValue().apply(lr);
      GradientTransformation scheduled = e.getValue().apply(Schedules.constant(lr));
      INDArray a = Trees.array(c.get("inputs", "initial_params"));
      INDArray b = a;
      OptState sa = constant.init(a);
      OptState sb = scheduled.init(b);
      for (int i = 0; i < c.integer("steps"); i++) {
        UpdateResult ra = constant.update(gradient("sum((params - [1.0, -1.0, 1.0])**2)", a), sa, a);
        UpdateResult rb = scheduled.update(gradient("sum((params - [1.0, -1.0, 1.0])**2)", b), sb, b);
        a = applyUpdates(a, ra.updates());
        b = applyUpdates(b, rb.updates());
        sa = ra.state();
        sb = rb.state();
        Trees.assertTreesClose(a, b, c.get("tolerance"), c.name() + " " + e.getKey() + " step " + i);
      }
    }
  }

  /** kind "optimizer_trajectory": the docstring loops of alias.py, objective printed with {:.2E}. */
  static void docTrajectory(Case c) {
    String name = c.text("transformation");
    c.expectText("grad -> update(grad, state, params) -> apply_updates", "inputs", "loop");
    c.expectText("{:.2E}", "tolerance", "format");
    String objective = c.text("inputs", "objective");
    GradientTransformation tx = alias(name, c);
    INDArray params = Trees.array(c.get("inputs", "initial_params"));
    assertEquals(c.num("inputs", "initial_objective"), objective(objective, params), 0.0);
    OptState state = tx.init(params);
    JsonNode printed = c.get("expected", "objective_after_each_step_formatted");
    assertEquals(printed.size(), c.integer("steps"));
    for (int i = 0; i < printed.size(); i++) {
      UpdateResult r = tx.update(gradient(objective, params), state, params);
      params = applyUpdates(params, r.updates());
      state = r.state();
      assertEquals(printed.get(i).asText(), String.format(Locale.ROOT, "%.2E", objective(objective, params)),
          c.name() + " step " + i);
    }
  }
}
