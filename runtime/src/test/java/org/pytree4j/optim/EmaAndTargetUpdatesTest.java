package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.pytree4j.optim.Optax.DECAY;
import static org.pytree4j.optim.Optax.ema;
import static org.pytree4j.optim.Optax.incrementalUpdate;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.periodicUpdate;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.serialization.Serialization;

/**
 * {@code ema} (a moving average of the updates), {@code incremental_update} and
 * {@code periodic_update} (of params): Optax's numbers, layout and dtypes.
 */
class EmaAndTargetUpdatesTest {

  /** The state keeps the raw average; the updates are debiased: Optax's test_ema_debias, exactly in float32. */
  @Test
  void emaDebiasesTheUpdatesNotTheState() {
    GradientTransformation tx = ema(0.9);
    OptState state = tx.init(Arrays32.scalar(5));
    UpdateResult first = tx.update(Arrays32.scalar(5), state, null);
    assertEquals(5f, ((INDArray) first.updates()).getFloat(0), 1e-5f);
    UpdateResult second = tx.update(Arrays32.scalar(7), first.state(), null);
    float d = 0.9f;
    float oneMinusD = (float) (1 - 0.9);
    float raw = oneMinusD * 7 + d * (oneMinusD * 5 + d * 0);
    assertEquals(raw, ((INDArray) ((EmaState) second.state()).ema()).getFloat(0), 0f);
    assertEquals(raw / (float) (1 - 0.9 * 0.9), ((INDArray) second.updates()).getFloat(0), 0f);
    assertEquals(2, ((EmaState) second.state()).count());
    assertEquals(List.of("count", "ema"), List.copyOf(Serialization.toStateDict(second.state()).keySet()));
  }

  @Test
  void emaWithoutDebiasAndInjectedDecay() {
    UpdateResult r = ema(0.9, false).update(Arrays32.scalar(5), ema(0.9, false).init(Arrays32.scalar(0)), null);
    assertEquals((float) (1 - 0.9) * 5f, ((INDArray) r.updates()).getFloat(0), 0f);
    GradientTransformation injected = injectHyperparams(ema(0.5));
    OptState s = injected.init(Arrays32.scalar(0));
    assertEquals(0.5, s.findHyperparam(DECAY), 0.0);
    UpdateResult i = injected.update(Arrays32.scalar(2), s, null);
    assertEquals(2f, ((INDArray) i.updates()).getFloat(0), 0f, "(0.5 * 2) / (1 - 0.5)");
    OptState bf16 = ema(0.9).accumulatorDtype(DataType.BFLOAT16).init(Arrays32.vec(1, 2));
    assertEquals(DataType.BFLOAT16, ((INDArray) ((EmaState) bf16).ema()).dataType());
  }

  /** Optax's test_incremental_update: 0.5 * (2 t) + 0.5 * t = 1.5 t; None as the new tensors gives None. */
  @Test
  void incrementalUpdateAveragesTwoTrees() {
    List<Object> old = List.of(Map.of("a", Arrays32.full(1, DataType.FLOAT, 3, 2)), Arrays32.full(1, DataType.FLOAT, 1));
    List<Object> fresh = List.of(Map.of("a", Arrays32.full(2, DataType.FLOAT, 3, 2)), Arrays32.full(2, DataType.FLOAT, 1));
    List<Object> out = incrementalUpdate(fresh, old, 0.5);
    for (Object leaf : org.pytree4j.PyTrees.leaves(out)) {
      for (double v : Arrays32.values((INDArray) leaf)) {
        assertEquals(1.5, v, 0.0);
      }
    }
    float s = (float) 1e-3;
    float rest = (float) (1 - 1e-3);
    INDArray ema = incrementalUpdate(Arrays32.vec(0.7), Arrays32.vec(0.3), 1e-3);
    assertEquals(s * 0.7f + rest * 0.3f, ema.getFloat(0), 0f, "float32, with the scalars rounded once");
    assertNull(incrementalUpdate(null, Arrays32.vec(1, 2, 3), 1));
    INDArray mixed = incrementalUpdate(Arrays32.full(2, DataType.BFLOAT16, 2), Arrays32.vec(1, 1), 0.5);
    assertEquals(DataType.FLOAT, mixed.dataType(), "JAX promotes bfloat16 with float32 to float32");
    OptimizerInputException e = assertThrows(OptimizerInputException.class,
        () -> incrementalUpdate(Map.of("a", Arrays32.vec(1, 2)), Map.of("a", Arrays32.vec(1)), 0.5));
    assertEquals("old_tensors do not match new_tensors at ['a']: new_tensors have float32[2] but old_tensors have"
        + " float32[1]", e.getMessage());
  }

  /** Optax's test_periodic_update: the old tensors, except at multiples of the period. */
  @Test
  void periodicUpdateSwitchesAtMultiplesOfThePeriod() {
    Object old = Map.of("a", Arrays32.vec(1));
    Object fresh = Map.of("a", Arrays32.vec(2));
    for (int j = 0; j < 3; j++) {
      for (int i = 1; i < 5; i++) {
        assertSame(old, periodicUpdate(fresh, old, j * 5L + i, 5));
      }
      assertSame(fresh, periodicUpdate(fresh, old, (j + 1) * 5L, 5));
    }
    assertSame(fresh, periodicUpdate(fresh, old, -5, 5), "jnp.mod");
    assertSame(old, periodicUpdate(fresh, old, -4, 5));
    assertThrows(IllegalArgumentException.class, () -> periodicUpdate(fresh, old, 1, 0));
  }
}
