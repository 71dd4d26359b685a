package org.pytree4j.optim.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.addDecayedWeights;
import static org.pytree4j.optim.Optax.applyIfFinite;
import static org.pytree4j.optim.Optax.applyUpdates;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.ema;
import static org.pytree4j.optim.Optax.incrementalUpdate;
import static org.pytree4j.optim.Optax.multiSteps;
import static org.pytree4j.optim.Optax.multiTransform;
import static org.pytree4j.optim.Optax.partition;
import static org.pytree4j.optim.Optax.periodicUpdate;
import static org.pytree4j.optim.Optax.scale;
import static org.pytree4j.optim.Optax.scaleByAdam;
import static org.pytree4j.optim.Optax.sgd;
import static org.pytree4j.optim.Optax.skipLargeUpdates;
import static org.pytree4j.optim.Optax.skipNotFinite;
import static org.pytree4j.optim.Optax.trace;
import static org.pytree4j.optim.conformance.Trees.ones;
import static org.pytree4j.optim.conformance.Trees.zeros;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.PyTreeNode;
import org.pytree4j.PyTrees;
import org.pytree4j.optim.ApplyIfFiniteState;
import org.pytree4j.optim.ChainState;
import org.pytree4j.optim.EmaState;
import org.pytree4j.optim.EmptyState;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.Labels;
import org.pytree4j.optim.MaskedNode;
import org.pytree4j.optim.MultiSteps;
import org.pytree4j.optim.MultiStepsState;
import org.pytree4j.optim.OptState;
import org.pytree4j.optim.OptimizerInputException;
import org.pytree4j.optim.PartitionState;
import org.pytree4j.optim.ScaleByAdamState;
import org.pytree4j.optim.ShouldSkipUpdate;
import org.pytree4j.optim.UpdateResult;

/**
 * The cases of the wrappers and combinators ({@code partition}, {@code MultiSteps}, {@code ema},
 * {@code apply_if_finite}, {@code incremental_update}, {@code periodic_update}), from Optax's
 * {@code _combining_test.py}, {@code _accumulation_test.py}, {@code _conditionality_test.py},
 * {@code update_test.py} and the partition docstring. As in {@link OptimizerCases}, Python-only
 * inputs are translated by hand and each translation pins the text it stands for.
 */
final class WrapperCases {
  private WrapperCases() {}

  static void byName(Case c) {
    switch (c.name()) {
      case "partition_per_label_updates" -> partitionPerLabelUpdates(c);
      case "partition_labels_mismatch" -> partitionLabelsMismatch(c);
      case "partition_empty_containers" -> partitionEmpty(c);
      case "doc_partition_adam_weights_sgd_biases" -> docPartition(c);
      case "ema_no_debias" -> emaNoDebias(c);
      case "ema_debias" -> emaDebias(c);
      case "skip_not_finite_function" -> skipNotFiniteFunction(c);
      case "skip_large_updates_function" -> skipLargeUpdatesFunction(c);
      case "multi_steps_flax_dense" -> multiStepsFlaxDense(c);
      case "multi_steps_every_k_schedule" -> multiStepsEveryK(c);
      case "multi_steps_computes_mean" -> multiStepsMean(c);
      case "multi_steps_skip_not_finite" -> multiStepsSkipNotFinite(c);
      case "apply_if_finite_sgd" -> applyIfFiniteSgd(c);
      case "incremental_update_basic" -> incrementalUpdateBasic(c);
      case "periodic_update_basic" -> periodicUpdateBasic(c);
      case "incremental_update_none_argument" -> incrementalUpdateNone(c);
      default -> fail(c.name() + ": no translation of this case in the test");
    }
  }

  // ---- JSON values as trees ----

  /** A JSON number or "inf" / "-inf" / "nan". */
  static double number(JsonNode n) {
    if (n.isNumber()) {
      return n.asDouble();
    }
    return switch (n.asText()) {
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      case "nan" -> Double.NaN;
      default -> fail("not a number: " + n);
    };
  }

  /** A JSON object of objects, lists and numbers as maps, lists and float32 scalars. */
  static Object scalarTree(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> out = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> out.put(e.getKey(), scalarTree(e.getValue())));
      return out;
    }
    if (n.isArray()) {
      List<Object> out = new ArrayList<>();
      n.forEach(x -> out.add(scalarTree(x)));
      return out;
    }
    return Nd4j.scalar(DataType.FLOAT, (float) number(n));
  }

  /** A JSON tree of integers as the same tree of Strings (Java labels are Strings). */
  private static Object labelTree(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> out = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> out.put(e.getKey(), labelTree(e.getValue())));
      return out;
    }
    if (n.isArray()) {
      List<Object> out = new ArrayList<>();
      n.forEach(x -> out.add(labelTree(x)));
      return out;
    }
    return n.asText();
  }

  /** Optax's test helper {@code _map_keys_fn(fn)}: {@code fn(key, value)} at every non-dict value of nested dicts. */
  static Object mapKeys(Object tree, BiFunction<String, Object, Object> fn) {
    Map<String, Object> out = new LinkedHashMap<>();
    ((Map<?, ?>) tree).forEach((k, v) -> out.put((String) k, v instanceof Map<?, ?> ? mapKeys(v, fn) : fn.apply((String) k, v)));
    return out;
  }

  private static double scalar(Object tree) {
    return ((INDArray) tree).getDouble(0);
  }

  // ---- partition ----

  private static void partitionPerLabelUpdates(Case c) {
    c.expectText("partition({'a': scale(-1.0), 'b': ema(0.0), 'c': scale(2.0)}, param_labels)", "transformation");
    JsonNode forms = c.get("hyperparameters", "param_labels");
    assertEquals("the label tree _map_keys_fn(lambda k, _: k[0])(params)", forms.get(0).asText());
    assertEquals("the function _map_keys_fn(lambda k, _: k[0])", forms.get(1).asText());
    c.expectText("params / 10.0", "inputs", "updates");
    c.expectText("the first update's output, with no params", "inputs", "second_update");
    assertEquals(2, c.integer("steps"));
    Object params = scalarTree(c.get("inputs", "params"));
    Object updates = PyTrees.map((INDArray x) -> x.div(10.0), params);
    JsonNode factors = c.get("expected", "factor_by_label");
    JsonNode tol = c.get("tolerance");
    BiFunction<String, Object, Object> firstLetter = (k, v) -> k.substring(0, 1);
    for (Labels labels : List.of(Labels.of(mapKeys(params, firstLetter)), Labels.fn(t -> mapKeys(t, firstLetter)))) {
      GradientTransformation tx = partition(Map.of("a", scale(-1.0), "b", ema(0.0), "c", scale(2.0)), labels);
      OptState state = tx.init(params);
      Object input = updates;
      Object expected = updates;
      for (int step = 0; step < 2; step++) {
        UpdateResult r = tx.update(input, state, step == 0 ? params : null);
        expected = mapKeys(expected, (k, v) -> ((INDArray) v).mul(factors.get(k.substring(0, 1)).asDouble()));
        Trees.assertTreesClose(expected, r.updates(), tol, c.name() + " " + labels + " update " + step);
        input = r.updates();
        state = r.state();
      }
    }
  }

  private static void partitionLabelsMismatch(Case c) {
    c.expectText("partition({0: sgd(1.), 1: adam(1., b1=0., b2=0.), 2: trace(1.0)}, label_tree or lambda _: label_tree)",
        "transformation");
    c.expectText("params / 10.0", "inputs", "updates");
    c.expectText("init raises ValueError", "expected", "with_extra_label");
    c.expectText("init and update run", "expected", "without");
    assertEquals(1, c.integer("steps"));
    assertTrue(c.get("tolerance", "exact").asBoolean());
    Object params = scalarTree(c.get("inputs", "params"));
    @SuppressWarnings("unchecked")
    Map<String, Object> labels = (Map<String, Object>) labelTree(c.get("hyperparameters", "label_tree"));
    Map<String, Object> extra = new LinkedHashMap<>(labels);
    c.get("hyperparameters", "extra_label").fields()
        .forEachRemaining(e -> extra.put(e.getKey(), e.getValue().asText()));
    Map<String, GradientTransformation> transforms = Map.of(
        "0", sgd(1.0), "1", adam(1.0).b1(0.0).b2(0.0), "2", trace(1.0));
    for (boolean useFn : new boolean[] {false, true}) {
      GradientTransformation bad = partition(transforms, useFn ? Labels.fn(t -> extra) : Labels.of(extra));
      OptimizerInputException e = assertThrows(OptimizerInputException.class, () -> bad.init(params),
          c.name() + " use_fn=" + useFn);
      assertEquals("['a']", e.path().keystr(), e.getMessage());
      GradientTransformation good = partition(transforms, useFn ? Labels.fn(t -> labels) : Labels.of(labels));
      OptState state = good.init(params);
      UpdateResult r = good.update(Trees.times(0.1, params), state, params);
      assertEquals(PyTrees.structure(params), PyTrees.structure(r.updates()));
    }
  }

  private static void partitionEmpty(Case c) {
    c.expectText("partition({0: sgd(1.)}, lambda _: 0)", "transformation");
    c.expectText("container()", "expected", "updates");
    assertEquals(1, c.integer("steps"));
    assertTrue(c.get("tolerance", "exact").asBoolean());
    for (JsonNode container : c.get("inputs", "containers")) {
      Object empty = switch (container.asText()) {
        case "list" -> List.of();
        case "dict" -> Map.of();
        default -> fail("container not translated: " + container);
      };
      GradientTransformation tx = partition(Map.of("0", sgd(1.0)), Labels.fn(t -> "0"));
      UpdateResult r = tx.update(empty, tx.init(empty), null);
      assertEquals(empty, r.updates(), container.asText());
    }
  }

  private static void docPartition(Case c) {
    c.expectText("multi_transform({'w': optax.adam(1.0), 'b': optax.sgd(1.0)}, map_nested_fn(lambda k, _: k))",
        "transformation");
    c.expectText("{'linear_1': {'w': zeros((5, 6)), 'b': zeros(5)}, 'linear_2': {'w': zeros((6, 1)), 'b': zeros(1)}}",
        "inputs", "params");
    c.expectText("tree_map(ones_like, params)", "inputs", "grads");
    c.expectText("adam(1.0)'s on the 'w' leaves and sgd(1.0)'s on the 'b' leaves", "expected", "updates");
    c.expectText("PartitionState(inner_states={'w': MaskedState(adam state with MaskedNode at the biases),"
        + " 'b': MaskedState(sgd state)})", "expected", "state");
    assertEquals(1, c.integer("steps"));
    Map<String, Object> params = Map.of(
        "linear_1", Map.of("w", zeros(5, 6), "b", zeros(5)),
        "linear_2", Map.of("w", zeros(6, 1), "b", zeros(1)));
    Object grads = Trees.onesLike(params);
    GradientTransformation tx = multiTransform(Map.of("w", adam(1.0), "b", sgd(1.0)),
        Labels.fn(t -> mapKeys(t, (k, v) -> k)));
    PartitionState state = (PartitionState) tx.init(params);
    UpdateResult r = tx.update(grads, state, params);
    Object adamUpdates = adam(1.0).update(grads, adam(1.0).init(params), params).updates();
    Object sgdUpdates = sgd(1.0).update(grads, sgd(1.0).init(params), params).updates();
    Object expected = mapKeys(adamUpdates, (k, v) -> k.equals("w") ? v : leaf(sgdUpdates, v, adamUpdates));
    Trees.assertTreesClose(expected, r.updates(), c.get("tolerance"), c.name());
    PartitionState next = (PartitionState) r.state();
    assertEquals(List.of("b", "w"), List.copyOf(next.innerStates().keySet()));
    ScaleByAdamState adamState = next.innerState("w").innerState().get(0, ScaleByAdamState.class);
    assertSame(MaskedNode.INSTANCE, ((Map<?, ?>) ((Map<?, ?>) adamState.mu()).get("linear_2")).get("b"));
    assertEquals(ChainState.of(new EmptyState(), new EmptyState()), next.innerState("b").innerState());
  }

  /** The leaf of {@code other} at the place {@code leaf} has in {@code tree}. */
  private static Object leaf(Object other, Object leaf, Object tree) {
    List<Object> leaves = PyTrees.leaves(tree);
    for (int i = 0; i < leaves.size(); i++) {
      if (leaves.get(i) == leaf) {
        return PyTrees.leaves(other).get(i);
      }
    }
    return fail("leaf not found");
  }

  // ---- ema ----

  private static void emaNoDebias(Case c) {
    c.expectText("ema(decay=0.9, debias=False)", "transformation");
    c.expectText("ema.init(values[0])", "inputs", "init");
    c.expectText("(1-d) * values[0]", "expected", "mean_after_1");
    c.expectText("(1 - d) * (values[1] + d * values[0])", "expected", "mean_after_2");
    assertEquals(2, c.integer("steps"));
    double d = c.num("hyperparameters", "decay");
    double[] values = c.nums("inputs", "values");
    GradientTransformation tx = ema(d, false);
    OptState state = tx.init(Trees.array(c.get("inputs", "values").get(0)));
    UpdateResult first = tx.update(Nd4j.scalar(DataType.FLOAT, (float) values[0]), state, null);
    Tolerances.assertScalar(c.get("tolerance", "mean_after_1"), (1 - d) * values[0], scalar(first.updates()), c.name());
    UpdateResult second = tx.update(Nd4j.scalar(DataType.FLOAT, (float) values[1]), first.state(), null);
    Tolerances.assertScalar(c.get("tolerance", "mean_after_2"), (1 - d) * (values[1] + d * values[0]),
        scalar(second.updates()), c.name());
  }

  private static void emaDebias(Case c) {
    c.expectText("ema(decay=0.9)", "transformation");
    c.expectText("ema.init(values[0])", "inputs", "init");
    c.expectText("values[0]", "expected", "mean_after_1");
    c.expectText("((1 - d) * values[1] + d * (1 - d) * values[0]) / (1 - d**2)", "expected", "mean_after_2");
    c.expectText("(1 - d) * values[1] + d * (1 - d) * values[0]", "expected", "state_ema_after_2");
    assertEquals(2, c.integer("steps"));
    double d = c.num("hyperparameters", "decay");
    double[] values = c.nums("inputs", "values");
    GradientTransformation tx = ema(d);
    OptState state = tx.init(Trees.array(c.get("inputs", "values").get(0)));
    UpdateResult first = tx.update(Nd4j.scalar(DataType.FLOAT, (float) values[0]), state, null);
    Tolerances.assertScalar(c.get("tolerance", "mean_after_1"), values[0], scalar(first.updates()), c.name());
    UpdateResult second = tx.update(Nd4j.scalar(DataType.FLOAT, (float) values[1]), first.state(), null);
    double raw = (1 - d) * values[1] + d * (1 - d) * values[0];
    Tolerances.assertScalar(c.get("tolerance", "mean_after_2"), raw / (1 - d * d), scalar(second.updates()), c.name());
    Tolerances.assertScalar(c.get("tolerance", "state_ema_after_2"), raw, scalar(((EmaState) second.state()).ema()),
        c.name() + ": the state is not debiased");
  }

  // ---- MultiSteps and its skip functions ----

  private static void skipNotFiniteFunction(Case c) {
    c.expectText("skip_not_finite(updates, gradient_step=0, params=None)", "transformation");
    assertEquals(0, c.integer("steps"));
    assertTrue(c.get("tolerance", "exact").asBoolean());
    JsonNode updates = c.get("inputs", "updates");
    for (Iterator<String> it = updates.fieldNames(); it.hasNext();) {
      String sub = it.next();
      ShouldSkipUpdate.Decision d = skipNotFinite().decide(scalarTree(updates.get(sub)), 0, null);
      boolean skip = c.get("expected", "should_skip", sub).asBoolean();
      assertEquals(skip, d.skip(), sub);
      assertEquals(skip, ((Map<?, ?>) d.skipState()).get("should_skip"), sub);
      assertEquals(c.integer("expected", "num_not_finite", sub), (long) (Integer) ((Map<?, ?>) d.skipState())
          .get("num_not_finite"), sub);
    }
  }

  private static void skipLargeUpdatesFunction(Case c) {
    c.expectText("skip_large_updates(updates, gradient_step=0, params=None, max_squared_norm=100.)", "transformation");
    assertEquals(0, c.integer("steps"));
    assertTrue(c.get("tolerance", "exact").asBoolean());
    JsonNode updates = c.get("inputs", "updates");
    ShouldSkipUpdate fn = skipLargeUpdates(c.num("hyperparameters", "max_squared_norm"));
    for (Iterator<String> it = updates.fieldNames(); it.hasNext();) {
      String sub = it.next();
      ShouldSkipUpdate.Decision d = fn.decide(scalarTree(updates.get(sub)), 0, null);
      boolean skip = c.get("expected", "should_skip", sub).asBoolean();
      assertEquals(skip, d.skip(), sub);
      assertEquals(skip, ((Map<?, ?>) d.skipState()).get("should_skip"), sub);
      float norm = (Float) ((Map<?, ?>) d.skipState()).get("norm_squared");
      double expected = number(c.get("expected", "norm_squared", sub));
      assertEquals(Double.isNaN(expected), Float.isNaN(norm), sub + ": NaN != NaN");
      if (!Double.isNaN(expected)) {
        assertEquals(expected, norm, 0.0, sub);
      }
    }
  }

  /** Flax's Dense(10) on ones([32, 7]) and loss sum(y**2), with its gradients, in float32. */
  @PyTreeNode
  record DenseParams(INDArray kernel, INDArray bias) implements WrapperCases_DenseParamsPyTree.With {
    INDArray forward(INDArray x) {
      return x.mmul(kernel).addRowVector(bias);
    }

    double loss(INDArray x) {
      INDArray y = forward(x);
      return y.mul(y).sumNumber().doubleValue();
    }

    DenseParams grads(INDArray x) {
      INDArray dy = forward(x).mul(2);
      return new DenseParams(x.transpose().mmul(dy), dy.sum(0));
    }
  }

  private static void multiStepsFlaxDense(Case c) {
    c.expectText("MultiSteps(chain(scale_by_adam(), add_decayed_weights(1e-2), scale(-1e-4)), k_steps=4)",
        "transformation");
    c.expectText("ones([32, 7])", "inputs", "data");
    c.expectText("jnp.sum(flax.linen.Dense(10)(x)**2)", "inputs", "loss");
    assertTrue(c.get("tolerance", "exact").asBoolean());
    int k = (int) c.integer("hyperparameters", "k_steps");
    MultiSteps tx = multiSteps(chain(scaleByAdam(), addDecayedWeights(c.num("hyperparameters", "weight_decay")),
        scale(c.num("hyperparameters", "scale"))), k);
    INDArray x = Nd4j.ones(DataType.FLOAT, 32, 7);
    Random random = new Random(0);
    DenseParams params = new DenseParams(org.pytree4j.optim.Arrays32.random(random, 0.5, 7, 10),
        org.pytree4j.optim.Arrays32.random(random, 0.1, 10));
    OptState state = tx.init(params);
    double prevLoss = params.loss(x);
    long steps = c.integer("steps");
    assertEquals(5L * k, steps);
    for (int idx = 0; idx < steps; idx++) {
      UpdateResult r = tx.update(params.grads(x), state, params);
      DenseParams next = applyUpdates(params, r.updates());
      state = r.state();
      double loss = next.loss(x);
      if (idx % k < k - 1) {
        org.pytree4j.optim.Arrays32.assertSameBits(params, next, c.name() + " step " + idx + ": params unchanged");
        assertEquals(prevLoss, loss, 0.0, c.name() + " step " + idx);
        assertEquals(false, tx.hasUpdated(state), c.name() + " step " + idx);
      } else {
        assertTrue(loss < prevLoss, c.name() + " step " + idx + ": the loss goes down, " + loss + " < " + prevLoss);
        prevLoss = loss;
        assertEquals(true, tx.hasUpdated(state), c.name() + " step " + idx);
      }
      params = next;
    }
  }

  private static void multiStepsEveryK(Case c) {
    c.expectText("MultiSteps(sgd(1e-4), lambda grad_step: jnp.where(grad_step < 2, 1, 3))", "transformation");
    c.expectText("1 while grad_step < 2, else 3", "hyperparameters", "every_k_schedule");
    assertTrue(c.get("tolerance", "exact").asBoolean());
    MultiSteps tx = multiSteps(sgd(c.num("hyperparameters", "learning_rate")), step -> step < 2 ? 1 : 3);
    Object params = scalarTree(c.get("inputs", "params"));
    Object grads = scalarTree(c.get("inputs", "grads"));
    OptState state = tx.init(params);
    assertEquals(c.get("expected", "has_updated_after_init").asBoolean(), tx.hasUpdated(state));
    JsonNode expected = c.get("expected", "has_updated_after_each_update");
    assertEquals(expected.size(), c.integer("steps"));
    for (int i = 0; i < expected.size(); i++) {
      state = tx.update(grads, state, params).state();
      assertEquals(expected.get(i).asBoolean(), tx.hasUpdated(state), c.name() + " update " + i);
    }
  }

  private static void multiStepsMean(Case c) {
    c.expectText("MultiSteps(scale(1.0), k_steps=4, use_grad_mean=True)", "transformation");
    assertTrue(c.get("tolerance", "exact").asBoolean());
    MultiSteps tx = multiSteps(scale(1.0), (int) c.integer("hyperparameters", "k_steps")).useGradMean(true);
    Object params = scalarTree(c.get("inputs", "params"));
    OptState state = tx.init(params);
    JsonNode grads = c.get("inputs", "grads");
    JsonNode hasUpdated = c.get("expected", "has_updated");
    assertEquals(grads.size(), c.integer("steps"));
    UpdateResult r = null;
    for (int i = 0; i < grads.size(); i++) {
      r = tx.update(Map.of("a", Nd4j.scalar(DataType.FLOAT, grads.get(i).floatValue())), state, params);
      state = r.state();
      assertEquals(hasUpdated.get(i).asBoolean(), tx.hasUpdated(state), c.name() + " update " + i);
    }
    Map<String, Object> newParams = applyUpdates(Map.of("a", Nd4j.scalar(DataType.FLOAT, 0f)), r.updates());
    assertEquals(c.num("expected", "updates_after_4"), scalar(newParams.get("a")), 0.0);
  }

  private static void multiStepsSkipNotFinite(Case c) {
    c.expectText("MultiSteps(sgd(1.), k_steps=2, should_skip_update_fn=skip_not_finite)", "transformation");
    c.expectText("update -> apply_updates", "inputs", "loop");
    assertTrue(c.get("tolerance", "exact").asBoolean());
    MultiSteps tx = multiSteps(sgd(c.num("hyperparameters", "learning_rate")), (int) c.integer("hyperparameters", "k_steps"))
        .shouldSkipUpdate(skipNotFinite());
    Object params = scalarTree(c.get("inputs", "params"));
    OptState state = tx.init(params);
    JsonNode grads = c.get("inputs", "grads");
    JsonNode miniSteps = c.get("expected", "mini_step_after_each");
    JsonNode values = c.get("expected", "params_a_after_each");
    assertEquals(grads.size(), c.integer("steps"));
    for (int i = 0; i < grads.size(); i++) {
      UpdateResult r = tx.update(Map.of("a", Nd4j.scalar(DataType.FLOAT, (float) number(grads.get(i)))), state, params);
      state = r.state();
      params = applyUpdates(params, r.updates());
      assertEquals(miniSteps.get(i).asInt(), ((MultiStepsState) state).miniStep(), c.name() + " update " + i);
      if (!values.get(i).isNull()) {
        assertEquals(values.get(i).asDouble(), scalar(((Map<?, ?>) params).get("a")), 0.0, c.name() + " update " + i);
      }
    }
  }

  // ---- apply_if_finite ----

  /** Optax's test transformation with state {'foo': 1} that returns the updates unchanged (not one of ours). */
  @PyTreeNode
  record FooState(int foo) implements OptState, WrapperCases_FooStatePyTree.With {}

  private static final GradientTransformation FOO = new GradientTransformation() {
    @Override
    public OptState init(Object params) {
      return new FooState(1);
    }

    @Override
    public UpdateResult update(Object updates, OptState state, Object params) {
      return new UpdateResult(updates, state);
    }
  };

  private static void applyIfFiniteSgd(Case c) {
    c.expectText("apply_if_finite(opt_builder(), 2)", "transformation");
    c.expectText("jax.grad(lambda p, x: p * x): x", "inputs", "grads");
    JsonNode builders = c.get("hyperparameters", "opt_builders");
    List<GradientTransformation> inner = List.of(sgd(1.0), sgd(1.0, 0.0), chain(sgd(1.0), FOO));
    assertEquals("sgd(1.)", builders.get(0).asText());
    assertEquals("sgd(1., momentum=0.)", builders.get(1).asText());
    assertEquals("chain(sgd(1.), a transformation with state {'foo': 1} that returns the updates)", builders.get(2).asText());
    assertTrue(c.get("tolerance", "exact").asBoolean());
    int max = (int) c.integer("hyperparameters", "max_consecutive_errors");
    JsonNode xs = c.get("inputs", "x_each_step");
    JsonNode params = c.get("expected", "params_after_each");
    JsonNode lastFinite = c.get("expected", "last_finite_after_each");
    JsonNode notfinite = c.get("expected", "notfinite_count_after_each");
    assertEquals(xs.size(), c.integer("steps"));
    for (GradientTransformation opt : inner) {
      GradientTransformation tx = applyIfFinite(opt, max);
      INDArray p = Trees.array(c.get("inputs", "params"));
      OptState state = tx.init(p);
      for (int i = 0; i < xs.size(); i++) {
        UpdateResult r = tx.update(Nd4j.scalar(DataType.FLOAT, (float) number(xs.get(i))), state, p);
        p = applyUpdates(p, r.updates());
        state = r.state();
        ApplyIfFiniteState s = (ApplyIfFiniteState) state;
        double expected = number(params.get(i));
        String what = c.name() + " " + opt + " step " + i;
        assertEquals(Double.isNaN(expected), Double.isNaN(p.getDouble(0)), what);
        if (!Double.isNaN(expected)) {
          assertEquals(expected, p.getDouble(0), 0.0, what);
        }
        if (!lastFinite.get(i).isNull()) {
          assertEquals(lastFinite.get(i).asBoolean(), s.lastFinite(), what);
        }
        if (!notfinite.get(i).isNull()) {
          assertEquals(notfinite.get(i).asInt(), s.notfiniteCount(), what);
        }
      }
      assertEquals(c.integer("expected", "total_notfinite_at_end"), ((ApplyIfFiniteState) state).totalNotfinite());
    }
  }

  // ---- incremental_update and periodic_update ----

  /** {@code ({'a': ones((3, 2))}, ones((1,)))}. */
  private static List<Object> updateTestParams() {
    return List.of(Map.of("a", ones(3, 2)), ones(1));
  }

  private static void incrementalUpdateBasic(Case c) {
    c.expectText("incremental_update(params_2, params_1, 0.5)", "transformation");
    c.expectText("({'a': ones((3, 2))}, ones((1,)))", "inputs", "params_1");
    c.expectText("2 * params_1", "inputs", "params_2");
    c.expectText("1.5 * params_1", "expected", "rule");
    assertEquals(1, c.integer("steps"));
    List<Object> params1 = updateTestParams();
    List<Object> params2 = Trees.times(2, params1);
    Object result = incrementalUpdate(params2, params1, c.num("hyperparameters", "step_size"));
    Trees.assertTreesClose(Trees.times(c.num("expected", "factor"), params1), result, c.get("tolerance"), c.name());
  }

  private static void periodicUpdateBasic(Case c) {
    c.expectText("periodic_update(params_2, params_1, steps, update_period=5)", "transformation");
    c.expectText("({'a': ones((3, 2))}, ones((1,)))", "inputs", "params_1");
    c.expectText("2 * params_1", "inputs", "params_2");
    c.expectText("j*update_period+i for j in range(3), i in range(1, update_period); then (j+1)*update_period",
        "inputs", "steps");
    int period = (int) c.integer("hyperparameters", "update_period");
    List<Object> params1 = updateTestParams();
    List<Object> params2 = Trees.times(2, params1);
    int checked = 0;
    for (int j = 0; j < 3; j++) {
      for (int i = 1; i < period; i++) {
        Trees.assertTreesClose(params1, periodicUpdate(params2, params1, (long) j * period + i, period),
            c.get("tolerance"), c.name());
        checked++;
      }
      Trees.assertTreesClose(params2, periodicUpdate(params2, params1, (long) (j + 1) * period, period),
          c.get("tolerance"), c.name());
      checked++;
    }
    assertEquals(c.integer("steps"), checked);
  }

  private static void incrementalUpdateNone(Case c) {
    c.expectText("incremental_update(None, x, 1)", "transformation");
    assertEquals(false, c.get("expected", "raises").asBoolean());
    assertEquals(1, c.integer("steps"));
    assertTrue(c.get("tolerance", "exact").asBoolean());
    assertNull(incrementalUpdate(null, Trees.array(c.get("inputs", "x")), 1));
  }
}
