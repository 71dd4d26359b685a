package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.pytree4j.optim.Optax.adamw;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.masked;
import static org.pytree4j.optim.Optax.sgd;
import static org.pytree4j.optim.Optax.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeDef;
import org.pytree4j.examples.Dense;
import org.pytree4j.serialization.Serialization;
import org.pytree4j.optim.schedule.Schedules;

/** Optimizer states are pytrees with Optax's field names: they flatten, map and rebuild like any tree. */
class StateTreeTest {
  private final Map<String, Object> params = Map.of(
      "dense", new Dense(Nd4j.ones(DataType.FLOAT, 2, 3), Nd4j.zeros(DataType.FLOAT, 3)));

  @Test
  void structureAndStateDictKeysAreOptaxs() {
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), injectHyperparams(adamw(Schedules.constant(1e-3))));
    OptState state = tx.init(params);
    TreeDef def = PyTrees.structure(state);
    assertEquals("PyTreeDef((EmptyState(), InjectHyperparamsState(count=*, hyperparams={'b1': *, 'b2': *, 'eps': *,"
        + " 'eps_root': *, 'learning_rate': *, 'weight_decay': *}, hyperparamsStates={'learning_rate':"
        + " WrappedScheduleState(count=*)}, innerState=(ScaleByAdamState(count=*, mu={'dense': Dense(kernel=*,"
        + " bias=*)}, nu={'dense': Dense(kernel=*, bias=*)}), EmptyState(), EmptyState()))))", def.toString());
    assertEquals(List.of("0", "1"), keys(def));
    TreeDef inject = def.children().get(1);
    assertEquals(List.of("count", "hyperparams", "hyperparams_states", "inner_state"), keys(inject));
    TreeDef adamState = inject.children().get(3).children().get(0);
    assertEquals(List.of("count", "mu", "nu"), keys(adamState));
    assertEquals(List.of("trace"), keys(PyTrees.structure(chain(trace(0.9)).init(params).get(0))));
    assertEquals(List.of("inner_state"),
        keys(PyTrees.structure(masked(sgd(0.1), Mask.byLeaf(x -> true)).init(params))));
    assertEquals(List.of(), keys(PyTrees.structure(new EmptyState())));

    List<String> paths = new ArrayList<>();
    for (LeafWithPath leaf : PyTrees.leavesWithPath(state)) {
      paths.add(leaf.path().keystr());
    }
    assertEquals("[1].innerState[0].mu['dense'].kernel", paths.get(9));
    assertEquals("[1].hyperparams['learning_rate']", paths.get(5));
  }

  @Test
  void statesRebuildFromTheirLeaves() {
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), injectHyperparams(adamw(1e-3)));
    OptState state = tx.update(params, tx.init(params), params).state();
    OptState rebuilt = PyTrees.unflatten(PyTrees.structure(state), PyTrees.leaves(state));
    assertEquals(state, rebuilt);
    OptState copied = PyTrees.map((Object x) -> x instanceof INDArray a ? a.dup() : x, state);
    assertEquals(state, copied);
    UpdateResult a = tx.update(params, state, params);
    UpdateResult b = tx.update(params, copied, params);
    Arrays32.assertTreeClose(a.updates(), b.updates(), 0, 0, "the same updates from a rebuilt state");
  }

  /** adamw's mask: only masked-in params decay. */
  @Test
  void maskedWeightDecay() {
    GradientTransformation tx = adamw(0.5).weightDecay(0.1).b1(0.0).b2(0.0)
        .mask(Mask.byPath((path, x) -> path.keystr().endsWith(".kernel")));
    OptState state = tx.init(params);
    MaskedState masked = (MaskedState) state.get(1);
    assertEquals(new EmptyState(), masked.innerState());
    Object grads = PyTrees.map((INDArray p) -> Nd4j.zeros(DataType.FLOAT, p.shape()), params);
    Map<String, Object> withBias = Map.of("dense", new Dense(Nd4j.ones(DataType.FLOAT, 2, 3), Nd4j.ones(DataType.FLOAT, 3)));
    UpdateResult r = tx.update(grads, tx.init(withBias), withBias);
    Dense u = (Dense) ((Map<?, ?>) r.updates()).get("dense");
    assertEquals(-0.05f, u.kernel().getFloat(0), 1e-7f, "kernel decays: -lr * wd * p");
    assertEquals(0.0f, u.bias().getFloat(0), 0.0f, "bias is masked out");
  }

  /** Optax's MaskedNode where the mask is false: its state dict is {}, as Flax writes it. */
  @Test
  void maskedTransformationWithStateHoldsAMaskedNodeWhereMaskedOut() {
    GradientTransformation tx = masked(trace(0.5), Mask.of(Map.of("a", true, "b", false)));
    Map<String, Object> p = Map.of("a", Nd4j.ones(DataType.FLOAT, 2), "b", Nd4j.ones(DataType.FLOAT, 2));
    MaskedState state = (MaskedState) tx.init(p);
    Map<?, ?> traces = (Map<?, ?>) ((TraceState) state.innerState()).trace();
    assertSame(MaskedNode.INSTANCE, traces.get("b"));
    assertEquals("PyTreeDef(MaskedState(innerState=TraceState(trace={'a': *, 'b': MaskedNode()})))",
        PyTrees.structure(state).toString());
    Map<?, ?> dict = (Map<?, ?>) ((Map<?, ?>) Serialization.toStateDict(state).get("inner_state")).get("trace");
    assertEquals(Map.of(), dict.get("b"));
    Object u = p;
    OptState s = state;
    for (int i = 0; i < 2; i++) {
      UpdateResult r = tx.update(p, s, p);
      u = r.updates();
      s = r.state();
    }
    assertEquals(1.5f, ((INDArray) ((Map<?, ?>) u).get("a")).getFloat(0), "trace: 1 + 0.5 * 1");
    assertEquals(1.0f, ((INDArray) ((Map<?, ?>) u).get("b")).getFloat(0), "masked out: unchanged");
  }

  private static List<String> keys(TreeDef def) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < def.children().size(); i++) {
      out.add(def.stateDictKey(i));
    }
    return out;
  }
}
