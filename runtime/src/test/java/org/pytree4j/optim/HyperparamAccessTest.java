package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.pytree4j.optim.Optax.B2;
import static org.pytree4j.optim.Optax.LEARNING_RATE;
import static org.pytree4j.optim.Optax.MAX_NORM;
import static org.pytree4j.optim.Optax.adabelief;
import static org.pytree4j.optim.Optax.adafactor;
import static org.pytree4j.optim.Optax.adagrad;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.adamax;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.findHyperparam;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.lamb;
import static org.pytree4j.optim.Optax.lars;
import static org.pytree4j.optim.Optax.rmsprop;
import static org.pytree4j.optim.Optax.scale;
import static org.pytree4j.optim.Optax.scaleByLearningRate;
import static org.pytree4j.optim.Optax.setHyperparam;
import static org.pytree4j.optim.Optax.sgd;
import static org.pytree4j.optim.schedule.Schedules.linear;
import static org.pytree4j.optim.schedule.Schedules.warmupCosineDecay;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.optim.schedule.StatefulSchedule;
import org.pytree4j.optim.schedule.Schedule;

/** Reading and changing hyperparameters in a state, as Flax users do with {@code opt_state[1].hyperparams}. */
class HyperparamAccessTest {
  private final INDArray params = Nd4j.ones(DataType.FLOAT, 3);
  private final INDArray grads = Nd4j.ones(DataType.FLOAT, 3);

  /** {@code opt_state[1].hyperparams['learning_rate']}, without casts. */
  @Test
  void flaxIdiomInJava() {
    Schedule schedule = warmupCosineDecay(0.0, 1e-2, 10, 100);
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), injectHyperparams(adam(schedule)));
    OptState optState = tx.init(params);
    for (int step = 0; step < 15; step++) {
      optState = tx.update(grads, optState, params).state();
      float expected = (float) schedule.value(step);
      Number inMap = optState.get(1, InjectHyperparamsState.class).hyperparams().get("learning_rate");
      assertEquals(Float.valueOf(expected), inMap);
      assertEquals(expected, optState.get(1, InjectHyperparamsState.class).hyperparam(LEARNING_RATE), 0.0);
      assertEquals(expected, optState.findHyperparam(LEARNING_RATE), 0.0);
      assertEquals(expected, findHyperparam(optState, "learning_rate"), 0.0);
    }
  }

  /**
   * The keys of {@code inject_hyperparams(opt)(learning_rate=..).init(params).hyperparams} in Optax: the
   * numeric arguments of the alias's signature in alias.py, defaults included (booleans, masks, dtypes
   * and None are static). adafactor's integer {@code decay_offset} is static here (docs/optimizers.md).
   */
  @Test
  void injectedStatesHoldOptaxsHyperparameters() {
    Map<GradientTransformation, List<String>> expected = Map.of(
        injectHyperparams(adagrad(0.1)), List.of("eps", "initial_accumulator_value", "learning_rate"),
        injectHyperparams(adabelief(0.1).nesterov(true)), List.of("b1", "b2", "eps", "eps_root", "learning_rate"),
        injectHyperparams(adamax(0.1)), List.of("b1", "b2", "eps", "learning_rate"),
        injectHyperparams(rmsprop(0.1).centered(true)), List.of("decay", "eps", "initial_scale", "learning_rate"),
        injectHyperparams(rmsprop(0.1).momentum(0.9)),
        List.of("decay", "eps", "initial_scale", "learning_rate", "momentum"),
        injectHyperparams(lamb(0.1)), List.of("b1", "b2", "eps", "eps_root", "learning_rate", "weight_decay"),
        injectHyperparams(lars(0.1)), List.of("eps", "learning_rate", "momentum", "trust_coefficient", "weight_decay"),
        injectHyperparams(adafactor(0.1)), List.of("clipping_threshold", "decay_rate", "eps", "learning_rate"),
        injectHyperparams(adafactor().momentum(0.9).weightDecayRate(1e-4)),
        List.of("clipping_threshold", "decay_rate", "eps", "momentum", "weight_decay_rate"));
    expected.forEach((tx, names) -> {
      InjectHyperparamsState state = (InjectHyperparamsState) tx.init(params);
      assertEquals(new TreeSet<>(names), state.hyperparams().keySet(), tx.toString());
      state = (InjectHyperparamsState) tx.update(grads, state, params).state();
      assertEquals(new TreeSet<>(names), state.hyperparams().keySet(), tx + " after an update");
    });
    InjectHyperparamsState lars = injectHyperparams(lars(0.1)).init(params);
    assertEquals(0.001f, lars.hyperparams().get("trust_coefficient"));
  }

  /** A chain inside an inject inside a chain: one call finds it, and says where when it is ambiguous. */
  @Test
  void findsAHyperparameterAnywhere() {
    Injectable clippedAdam = Injectable.of("clipped_adam", Map.of(MAX_NORM, 0.5),
        values -> chain(clipByGlobalNorm(values.get(MAX_NORM)), injectHyperparams(adam(linear(0.1, 0.0, 10)))));
    GradientTransformation tx = chain(scale(1.0), injectHyperparams(clippedAdam));
    OptState state = tx.init(params);
    assertEquals(0.1f, state.findHyperparam(LEARNING_RATE), 0.0);
    assertEquals(0.5f, state.findHyperparam(MAX_NORM), 0.0);
    state = tx.update(grads, state, params).state();
    state = tx.update(grads, state, params).state();
    assertEquals((float) 0.09, state.findHyperparam(LEARNING_RATE), 0.0, "the value update 1 used: linear(1)");
    InjectHyperparamsState inner = state.get(1, InjectHyperparamsState.class).innerState()
        .get(1, InjectHyperparamsState.class);
    assertEquals((float) 0.09, inner.hyperparam(LEARNING_RATE), 0.0);

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> tx.init(params).findHyperparam("lr"));
    assertEquals("no hyperparameter 'lr' in this optimizer state; its hyperparameters are"
        + " [b1, b2, eps, eps_root, learning_rate, max_norm]", missing.getMessage());

    GradientTransformation two = chain(injectHyperparams(sgd(0.1)), injectHyperparams(adam(0.2)));
    IllegalArgumentException ambiguous = assertThrows(IllegalArgumentException.class,
        () -> two.init(params).findHyperparam(LEARNING_RATE));
    assertEquals("hyperparameter 'learning_rate' is in 2 places of this optimizer state:"
        + " [[0].hyperparams['learning_rate'], [1].hyperparams['learning_rate']]; read one with"
        + " get(index, InjectHyperparamsState.class)", ambiguous.getMessage());

    IllegalArgumentException noInject = assertThrows(IllegalArgumentException.class,
        () -> adam(0.1).init(params).findHyperparam(LEARNING_RATE));
    assertEquals(true, noInject.getMessage().contains("holds no injectHyperparams state"), noInject.getMessage());
  }

  /** A value the user puts in the state is used from the next update on; the old state keeps its value. */
  @Test
  void replacedValueIsUsedFromTheNextUpdate() {
    GradientTransformation tx = chain(clipByGlobalNorm(10.0), injectHyperparams(sgd(0.1)));
    OptState state = tx.init(params);
    INDArray before = (INDArray) tx.update(grads, state, params).updates();
    assertEquals(-0.1f, before.getFloat(0));
    OptState faster = setHyperparam(state, LEARNING_RATE, 0.5);
    INDArray after = (INDArray) tx.update(grads, faster, params).updates();
    assertEquals(-0.5f, after.getFloat(0));
    assertEquals(0.1f, state.findHyperparam(LEARNING_RATE), 0.0, "the old state is unchanged");
    assertEquals(0.5f, tx.update(grads, faster, params).state().findHyperparam(LEARNING_RATE), 0.0);

    InjectHyperparamsState inject = state.get(1, InjectHyperparamsState.class);
    OptState viaChain = ((ChainState) state).with(1, inject.withHyperparam(LEARNING_RATE, 0.25));
    assertEquals(-0.25f, ((INDArray) tx.update(grads, viaChain, params).updates()).getFloat(0));
  }

  /** As in Optax, replacing a scheduled value has no effect: the schedule decides. */
  @Test
  void replacingAScheduledValueHasNoEffect() {
    GradientTransformation tx = injectHyperparams(sgd(linear(1.0, 0.0, 4)));
    InjectHyperparamsState state = (InjectHyperparamsState) tx.init(params);
    UpdateResult r = tx.update(grads, state.withHyperparam(LEARNING_RATE, 123.0), params);
    assertEquals(-1.0f, ((INDArray) r.updates()).getFloat(0));
    assertEquals(1.0, ((InjectHyperparamsState) r.state()).hyperparam(LEARNING_RATE), 0.0);
  }

  @Test
  void constantAndScheduledHyperparametersOfOneOptimizer() {
    GradientTransformation tx = injectHyperparams(adam(linear(1e-3, 0.0, 100)).b2(0.99).b1(linear(0.9, 0.5, 4)));
    InjectHyperparamsState state = (InjectHyperparamsState) tx.init(params);
    assertEquals(java.util.Set.of("learning_rate", "b1"), state.hyperparamsStates().keySet());
    assertEquals(0.99f, state.hyperparam(B2), 0.0);
    for (int i = 0; i < 3; i++) {
      state = (InjectHyperparamsState) tx.update(grads, state, params).state();
    }
    assertEquals((float) (0.9 - 0.4 * 2 / 4), state.hyperparam("b1"), 0.0);
  }

  @Test
  void indexingStatesThatAreNotChains() {
    OptState inject = injectHyperparams(sgd(0.1)).init(params);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> inject.get(0));
    assertEquals("opt_state[0]: this state is an InjectHyperparamsState, not the state of a chain(...) (ChainState);"
        + " only chain states are indexed by position", e.getMessage());
    OptState chain = chain(sgd(0.1), sgd(0.2)).init(params);
    assertEquals("opt_state[2]: this chain state has 2 entries [0..1]",
        assertThrows(IllegalArgumentException.class, () -> chain.get(2)).getMessage());
    assertEquals("opt_state[0] is a ChainState, not an InjectHyperparamsState",
        assertThrows(IllegalArgumentException.class, () -> chain.get(0, InjectHyperparamsState.class)).getMessage());
    assertInstanceOf(ChainState.class, chain.get(1));
  }

  /** A schedule outside injectHyperparams is only allowed for an alias's learning rate, as in Optax. */
  @Test
  void schedulesOutsideInjectAreRejectedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> adam(0.1).b1(linear(0.9, 0.5, 10)).init(params));
    assertEquals("b1 of scale_by_adam is a schedule, which only injectHyperparams evaluates: use injectHyperparams(...)"
        + " around scale_by_adam, or a constant", e.getMessage());
    OptState state = adam(linear(0.1, 0.0, 10)).init(params);
    assertInstanceOf(ScaleByScheduleState.class, state.get(1));
  }

  /** A stateful learning rate outside injectHyperparams is named when the transformation is used, not made. */
  @Test
  void aStatefulLearningRateOutsideInjectIsRejectedByName() {
    StatefulSchedule<Integer> counting = new StatefulSchedule<>() {
      @Override
      public Integer init() {
        return 0;
      }

      @Override
      public Integer update(Integer count, Map<String, ?> extraArgs) {
        return count + 1;
      }

      @Override
      public double value(Integer count, Map<String, ?> extraArgs) {
        return 0.1 * count;
      }
    };
    ScaleByLearningRate tx = scaleByLearningRate(0.1).with(LEARNING_RATE, counting);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tx.init(params));
    assertEquals("learning_rate of scale_by_learning_rate is a schedule, which only injectHyperparams evaluates:"
        + " use injectHyperparams(...) around scale_by_learning_rate, or a constant", e.getMessage());
  }
}
