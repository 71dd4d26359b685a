package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.pytree4j.optim.Optax.LEARNING_RATE;
import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.applyUpdates;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.scaleBySchedule;
import static org.pytree4j.optim.Optax.sgd;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.PyTrees;
import org.pytree4j.optim.schedule.Schedules;
import org.pytree4j.optim.schedule.WrappedScheduleState;

/** Every param keeps its dtype; None stays None; counters saturate at int32's maximum. */
class DtypesAndCountersTest {

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"BFLOAT16", "HALF", "FLOAT", "DOUBLE"})
  void applyUpdatesKeepsEachParamsDtype(DataType dtype) {
    INDArray p = Nd4j.createFromArray(1.0, 2.5, -3.0).castTo(dtype);
    INDArray u = Nd4j.createFromArray(0.125, 0.25, 0.5).castTo(DataType.FLOAT);
    INDArray result = applyUpdates(p, u);
    assertEquals(dtype, result.dataType());
    assertEquals(List.of(1.125, 2.75, -2.5), boxed(Arrays32.values(result)));
    assertEquals(List.of(1.0, 2.5, -3.0), boxed(Arrays32.values(p)), "params are not written");
  }

  /** The sum is rounded once, to the param's dtype: 1 + 2^-9 is not representable in bfloat16. */
  @Test
  void applyUpdatesRoundsOnceToTheParamsDtype() {
    INDArray p = Nd4j.createFromArray(1.0f).castTo(DataType.BFLOAT16);
    INDArray u = Nd4j.createFromArray(0.005859375f);
    assertEquals(1.0078125, applyUpdates(p, u).getDouble(0), 0.0);
  }

  @Test
  void mixedDtypesInOneTree() {
    Map<String, Object> params = Map.of(
        "bf16", Nd4j.ones(DataType.BFLOAT16, 2), "half", Nd4j.ones(DataType.HALF, 2),
        "f32", Nd4j.ones(DataType.FLOAT, 2), "f64", Nd4j.ones(DataType.DOUBLE, 2));
    GradientTransformation tx = adam(1e-2);
    OptState state = tx.init(params);
    Object grads = PyTrees.map((INDArray p) -> p.mul(0.5), params);
    UpdateResult r = tx.update(grads, state, params);
    Map<String, Object> updated = applyUpdates(params, r.updates());
    updated.forEach((k, v) -> assertEquals(((INDArray) params.get(k)).dataType(), ((INDArray) v).dataType(), k));
    ScaleByAdamState s = (ScaleByAdamState) ((ChainState) r.state()).get(0);
    ((Map<?, ?>) s.mu()).forEach((k, v) -> assertEquals(((INDArray) params.get(k)).dataType(), ((INDArray) v).dataType()));
    ((Map<?, ?>) r.updates()).forEach((k, v) -> assertEquals(((INDArray) params.get(k)).dataType(), ((INDArray) v).dataType()));
    assertEquals(1 - 1e-2, ((INDArray) updated.get("f64")).getDouble(0), 1e-9);
  }

  @Test
  void muDtypeStoresTheFirstMomentInThatDtype() {
    INDArray p = Nd4j.ones(DataType.FLOAT, 3);
    GradientTransformation tx = adam(1e-2).muDtype(DataType.BFLOAT16);
    ScaleByAdamState s0 = (ScaleByAdamState) ((ChainState) tx.init(p)).get(0);
    assertEquals(DataType.BFLOAT16, ((INDArray) s0.mu()).dataType());
    assertEquals(DataType.FLOAT, ((INDArray) s0.nu()).dataType());
    UpdateResult r = tx.update(p.mul(0.3), tx.init(p), p);
    ScaleByAdamState s1 = (ScaleByAdamState) ((ChainState) r.state()).get(0);
    assertEquals(DataType.BFLOAT16, ((INDArray) s1.mu()).dataType());
    assertEquals(DataType.FLOAT, ((INDArray) s1.nu()).dataType());
    assertEquals(DataType.FLOAT, ((INDArray) r.updates()).dataType());
  }

  /** A None param (and its None update) stays None through init, update and applyUpdates. */
  @Test
  void noneLeavesStayNone() {
    Map<String, Object> params = new HashMap<>();
    params.put("w", Nd4j.ones(DataType.FLOAT, 2));
    params.put("frozen", null);
    GradientTransformation tx = adam(0.1);
    OptState state = tx.init(params);
    ScaleByAdamState s = (ScaleByAdamState) ((ChainState) state).get(0);
    assertNull(((Map<?, ?>) s.mu()).get("frozen"));
    Map<String, Object> grads = new HashMap<>();
    grads.put("w", Nd4j.ones(DataType.FLOAT, 2));
    grads.put("frozen", null);
    UpdateResult r = tx.update(grads, state, params);
    assertNull(((Map<?, ?>) r.updates()).get("frozen"));
    Map<String, Object> updated = applyUpdates(params, r.updates());
    assertNull(updated.get("frozen"));
    assertEquals(0.9, ((INDArray) updated.get("w")).getDouble(0), 1e-6);
  }

  /** Hyperparameters are float32 in the state whatever the params' dtype: a bfloat16 model's lr is not rounded. */
  @Test
  void hyperparametersAreFloat32EvenForBfloat16Params() {
    INDArray p = Nd4j.ones(DataType.BFLOAT16, 4);
    InjectHyperparamsState state = injectHyperparams(adam(1e-3)).init(p);
    Number lr = state.hyperparams().get("learning_rate");
    assertInstanceOf(Float.class, lr);
    assertEquals(1e-3f, lr.floatValue());
    assertEquals((double) 1e-3f, state.hyperparam(LEARNING_RATE), 0.0);
    double bf16Rounded = Nd4j.scalar(DataType.FLOAT, 1e-3).castTo(DataType.BFLOAT16).getDouble(0);
    assertEquals(true, bf16Rounded != state.hyperparam(LEARNING_RATE), "bfloat16 would have rounded it to " + bf16Rounded);
  }

  @Test
  void hyperparametersInFloat64WhenChosen() {
    InjectHyperparamsState state = injectHyperparams(adam(1e-3), DataType.DOUBLE).init(Nd4j.ones(DataType.FLOAT, 2));
    assertEquals(Double.valueOf(1e-3), state.hyperparams().get("learning_rate"));
    assertEquals(Double.valueOf(0.999), state.hyperparams().get("b2"));
    InjectHyperparamsState replaced = state.withHyperparam(LEARNING_RATE, 0.1);
    assertEquals(Double.valueOf(0.1), replaced.hyperparams().get("learning_rate"));
  }

  @Test
  void adamCountSaturates() {
    INDArray p = Nd4j.ones(DataType.FLOAT, 2);
    GradientTransformation tx = adam(1e-2);
    ChainState fresh = (ChainState) tx.init(p);
    ScaleByAdamState s = (ScaleByAdamState) fresh.get(0);
    ChainState atMax = fresh.with(0, s.withCount(Integer.MAX_VALUE));
    UpdateResult r = tx.update(p, atMax, p);
    assertEquals(Integer.MAX_VALUE, ((ScaleByAdamState) ((ChainState) r.state()).get(0)).count());
    double[] u = Arrays32.values((INDArray) r.updates());
    assertEquals(true, Arrays.stream(u).allMatch(Double::isFinite), Arrays.toString(u));
  }

  @Test
  void scheduleAndInjectCountsSaturate() {
    INDArray p = Nd4j.ones(DataType.FLOAT, 2);
    GradientTransformation bySchedule = scaleBySchedule(Schedules.constant(2.0));
    UpdateResult r = bySchedule.update(p, new ScaleByScheduleState(Integer.MAX_VALUE), p);
    assertEquals(new ScaleByScheduleState(Integer.MAX_VALUE), r.state());

    GradientTransformation tx = injectHyperparams(sgd(Schedules.constant(0.5)));
    InjectHyperparamsState s = (InjectHyperparamsState) tx.init(p);
    InjectHyperparamsState atMax = s.withCount(Integer.MAX_VALUE)
        .withHyperparamsStates(Map.of("learning_rate", new WrappedScheduleState(Integer.MAX_VALUE)));
    InjectHyperparamsState next = (InjectHyperparamsState) tx.update(p, atMax, p).state();
    assertEquals(Integer.MAX_VALUE, next.count());
    assertEquals(new WrappedScheduleState(Integer.MAX_VALUE), next.hyperparamsStates().get("learning_rate"));
    assertEquals(Integer.MAX_VALUE, Optax.safeIncrement(Integer.MAX_VALUE));
    assertEquals(Integer.MIN_VALUE + 1, Optax.safeIncrement(Integer.MIN_VALUE));
  }

  @Test
  void clipReturnsTheSameUpdatesWhenUnderTheNorm() {
    INDArray g = Nd4j.createFromArray(0.3f, 0.4f);
    UpdateResult r = Optax.clipByGlobalNorm(1.0).update(g, new EmptyState(), null);
    assertSame(g, r.updates());
  }

  /** Views, F-order arrays and empty leaves give the same numbers as their C-order copies. */
  @Test
  void viewsFortranOrderAndEmptyLeaves() {
    INDArray matrix = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}}).castTo(DataType.FLOAT);
    Map<String, Object> odd = Map.of("row", matrix.getRow(1), "t", matrix.transpose(), "empty",
        Nd4j.create(DataType.FLOAT, 0, 3));
    Map<String, Object> copies = Map.of("row", matrix.getRow(1).dup('c'), "t", matrix.transpose().dup('c'), "empty",
        Nd4j.create(DataType.FLOAT, 0, 3));
    GradientTransformation tx = adam(0.1);
    UpdateResult a = tx.update(odd, tx.init(odd), odd);
    UpdateResult b = tx.update(copies, tx.init(copies), copies);
    Arrays32.assertTreeClose(b.updates(), a.updates(), 0, 0, "updates");
    Arrays32.assertTreeClose(applyUpdates(copies, b.updates()), applyUpdates(odd, a.updates()), 0, 0, "params");
    assertEquals(List.of(4.0, 5.0, 6.0), boxed(Arrays32.values(matrix.getRow(1))), "the viewed matrix is not written");
  }

  private static List<Double> boxed(double[] values) {
    return Arrays.stream(values).boxed().toList();
  }
}
