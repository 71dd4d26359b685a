package org.pytree4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.Flattened;
import org.pytree4j.PyTrees;
import org.pytree4j.RecordNodeType;
import org.pytree4j.examples.CountState;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.OptState;
import org.pytree4j.optim.UpdateResult;

/**
 * The runtime's plain {@link TrainState} and its generated companion: {@code create} wires
 * {@code tx.init}, {@code applyFn} and {@code tx} are static structure, never leaves.
 */
class TrainStateRecordTest {
  private final INDArray w = Nd4j.createFromArray(1.0, 2.0);
  private final Map<String, INDArray> params = Map.of("w", w);
  private final ApplyFn<Map<String, INDArray>> applyFn = (p, x) -> x.mul(p.get("w"));
  private final List<Object> initCalls = new ArrayList<>();
  private final GradientTransformation tx = new GradientTransformation() {
    @Override
    public OptState init(Object p) {
      initCalls.add(p);
      return new CountState(0);
    }

    @Override
    public UpdateResult update(Object updates, OptState state, Object p) {
      throw new AssertionError("not called here");
    }
  };

  @Test
  void createStartsAtStepZeroWithTheOptimizersInitialState() {
    TrainState<Map<String, INDArray>> state = TrainStatePyTree.create(applyFn, params, tx);
    assertEquals(0L, state.step());
    assertSame(params, state.params());
    assertSame(applyFn, state.applyFn());
    assertSame(tx, state.tx());
    assertEquals(new CountState(0), state.optState());
    assertEquals(List.of(params), initCalls);
  }

  @Test
  void applyFnAndTxAreStaticStructure() {
    TrainState<Map<String, INDArray>> state = TrainStatePyTree.create(applyFn, params, tx);
    Flattened flat = TrainStatePyTree.flatten(state);
    assertEquals(List.of(0L, w, 0L), flat.leaves());
    assertEquals(List.of(".step", ".params['w']", ".optState.count"),
        PyTrees.leavesWithPath(state).stream().map(leaf -> leaf.path().keystr()).toList());
    RecordNodeType.StaticFields statics = (RecordNodeType.StaticFields) flat.treeDef().auxData();
    assertSame(applyFn, statics.get("applyFn"));
    assertSame(tx, statics.get("tx"));

    TrainState<Map<String, INDArray>> rebuilt = TrainStatePyTree.unflatten(flat.treeDef(), List.of(5L, w, 4L));
    assertEquals(5L, rebuilt.step());
    assertSame(tx, rebuilt.tx());
    assertSame(applyFn, rebuilt.applyFn());
    assertEquals(new CountState(4), rebuilt.optState());
  }

  @Test
  void withersLeaveTheStateUntouched() {
    TrainState<Map<String, INDArray>> state = TrainStatePyTree.create(applyFn, params, tx);
    TrainState<Map<String, INDArray>> later = state.withStep(10L).replace(b -> b.optState(new CountState(10)));
    assertEquals(10L, later.step());
    assertEquals(new CountState(10), later.optState());
    assertEquals(0L, state.step());
    assertEquals(new CountState(0), state.optState());
    assertEquals(Nd4j.createFromArray(2.0, 6.0), later.applyFn().apply(later.params(), Nd4j.createFromArray(2.0, 3.0)));
  }
}
