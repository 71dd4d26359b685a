package org.pytree4j.optim.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.pytree4j.optim.schedule.Schedules.constant;
import static org.pytree4j.optim.schedule.Schedules.exponentialDecay;
import static org.pytree4j.optim.schedule.Schedules.join;
import static org.pytree4j.optim.schedule.Schedules.linear;
import static org.pytree4j.optim.schedule.Schedules.piecewiseConstant;
import static org.pytree4j.optim.schedule.Schedules.polynomial;
import static org.pytree4j.optim.schedule.Schedules.warmupExponentialDecay;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the conformance cases do not cover: warmup-exponential decay, and argument handling. */
class SchedulesTest {

  /** {@code join([linear(init, peak, warmup), exponential_decay(peak, ...)], [warmup])}, from Optax's formulas. */
  @Test
  void warmupExponentialDecayFollowsItsFormula() {
    Schedule s = warmupExponentialDecay(0.0, 1.0, 4, 2, 0.5, 1, true, 0.2);
    double[] expected = {0.0, 0.25, 0.5, 0.75, // warmup
        1.0, 1.0, // transition_begin = 1 after the warmup boundary (step 4), then p = floor((t - 4 - 1) / 2)
        1.0, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2};
    for (int t = 0; t < expected.length; t++) {
      assertEquals(expected[t], s.value(t), 1e-12, "step " + t);
    }
    Schedule smooth = warmupExponentialDecay(0.0, 1.0, 4, 2, 0.5);
    assertEquals(Math.pow(0.5, 3 / 2.0), smooth.value(7), 1e-12);
  }

  @Test
  void optaxsConstantFallbacks() {
    assertInstanceOf(ConstantSchedule.class, polynomial(3.0, 1.0, 2, 0));
    assertInstanceOf(ConstantSchedule.class, exponentialDecay(3.0, 0, 0.5));
    assertInstanceOf(ConstantSchedule.class, exponentialDecay(3.0, 10, 0.0));
    assertEquals(linear(1.0, 0.0, 10).value(3), linear(1.0, 0.0, 10, -5).value(3), 0.0, "negative begin counts as 0");
    assertEquals(exponentialDecay(1.0, 2, 0.5).value(3), exponentialDecay(1.0, 2, 0.5, -4, false, null).value(3), 0.0);
  }

  @Test
  void joinNeedsOneBoundaryFewerThanSchedules() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> join(List.of(constant(1), constant(2)), List.of(3, 6)));
    assertEquals("join_schedules needs one boundary fewer than schedules: 2 schedules, boundaries [3, 6]", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> join(List.of(constant(1), constant(2)), List.of(2.5)));
  }

  @Test
  void boundariesAreWholeStepsAndScalesNotNegative() {
    assertThrows(IllegalArgumentException.class, () -> piecewiseConstant(1.0, Map.of(1.5, 0.1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> piecewiseConstant(1.0, Map.of(10, -0.1)));
    assertEquals("piecewise_constant_schedule expects non-negative scale factors, got {10=-0.1}", e.getMessage());
    assertEquals(0.001, piecewiseConstant(1.0, Map.of(100L, 0.1, 200L, 0.01)).value(200), 1e-15);
  }

  @Test
  void cosineDecayRejectsNonPositiveSteps() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedules.cosineDecay(1.0, 0));
    assertEquals("The cosine_decay_schedule requires positive decay_steps, got decay_steps=0.", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Schedules.linearOnecycle(0, 1.0));
    assertThrows(IllegalArgumentException.class, () -> Schedules.cosineOnecycle(-1, 1.0));
    assertThrows(IllegalArgumentException.class, () -> Interpolation.of("quadratic"));
  }
}
