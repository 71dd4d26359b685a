package org.pytree4j.optim.schedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Optax's schedules ({@code optax.schedules}) under their Optax names, in camelCase; arguments in
 * Optax's order, with Optax's defaults as shorter overloads and Optax's rejections of invalid
 * arguments.
 *
 * <pre>{@code
 * import static org.pytree4j.optim.schedule.Schedules.*;
 * Schedule lr = warmupCosineDecay(0.0, 1e-3, 1_000, 100_000);   // optax.warmup_cosine_decay_schedule(0.0, 1e-3, 1000, 100000)
 * lr.value(500);                                                // 5e-4
 * }</pre>
 *
 * <p>Values are computed in float64 (Optax computes in float32).
 */
public final class Schedules {
  private Schedules() {}

  /** {@code optax.constant_schedule(value)}. */
  public static Schedule constant(double value) {
    return new ConstantSchedule(value);
  }

  /**
   * {@code optax.polynomial_schedule(init_value, end_value, power, transition_steps)}; with
   * {@code transition_steps <= 0} the schedule is constant at {@code init_value}, as in Optax.
   */
  public static Schedule polynomial(double initValue, double endValue, double power, long transitionSteps) {
    return polynomial(initValue, endValue, power, transitionSteps, 0);
  }

  /**
   * {@code optax.polynomial_schedule(init_value, end_value, power, transition_steps, transition_begin)};
   * a negative {@code transition_begin} counts as 0, as in Optax.
   */
  public static Schedule polynomial(double initValue, double endValue, double power, long transitionSteps,
      long transitionBegin) {
    if (transitionSteps <= 0) {
      return constant(initValue);
    }
    return new PolynomialSchedule(initValue, endValue, power, transitionSteps, Math.max(transitionBegin, 0));
  }

  /** {@code optax.linear_schedule(init_value, end_value, transition_steps)}. */
  public static Schedule linear(double initValue, double endValue, long transitionSteps) {
    return polynomial(initValue, endValue, 1, transitionSteps, 0);
  }

  /** {@code optax.linear_schedule(init_value, end_value, transition_steps, transition_begin)}. */
  public static Schedule linear(double initValue, double endValue, long transitionSteps, long transitionBegin) {
    return polynomial(initValue, endValue, 1, transitionSteps, transitionBegin);
  }

  /**
   * {@code optax.piecewise_constant_schedule(init_value, boundaries_and_scales)}:
   * {@code piecewiseConstant(1.0, Map.of(100, 0.1, 200, 0.01))}. Scales must be non-negative; null
   * is no boundaries.
   */
  public static Schedule piecewiseConstant(double initValue, Map<? extends Number, ? extends Number> boundariesAndScales) {
    return new PiecewiseConstantSchedule(initValue, Boundaries.of(boundariesAndScales));
  }

  /** {@code optax.exponential_decay(init_value, transition_steps, decay_rate)}. */
  public static Schedule exponentialDecay(double initValue, long transitionSteps, double decayRate) {
    return exponentialDecay(initValue, transitionSteps, decayRate, 0, false, null);
  }

  /**
   * {@code optax.exponential_decay(init_value, transition_steps, decay_rate, transition_begin,
   * staircase, end_value)}; {@code endValue} may be null (None). With {@code transition_steps <= 0}
   * or {@code decay_rate == 0} the schedule is constant at {@code init_value}, and a negative
   * {@code transition_begin} counts as 0, as in Optax.
   */
  public static Schedule exponentialDecay(double initValue, long transitionSteps, double decayRate,
      long transitionBegin, boolean staircase, Double endValue) {
    if (transitionSteps <= 0 || decayRate == 0) {
      return constant(initValue);
    }
    return new ExponentialDecaySchedule(initValue, transitionSteps, decayRate, Math.max(transitionBegin, 0),
        staircase, endValue);
  }

  /** {@code optax.cosine_decay_schedule(init_value, decay_steps)}; {@code decay_steps} must be positive. */
  public static Schedule cosineDecay(double initValue, long decaySteps) {
    return cosineDecay(initValue, decaySteps, 0.0, 1.0);
  }

  /** {@code optax.cosine_decay_schedule(init_value, decay_steps, alpha)}. */
  public static Schedule cosineDecay(double initValue, long decaySteps, double alpha) {
    return cosineDecay(initValue, decaySteps, alpha, 1.0);
  }

  /** {@code optax.cosine_decay_schedule(init_value, decay_steps, alpha, exponent)}. */
  public static Schedule cosineDecay(double initValue, long decaySteps, double alpha, double exponent) {
    return new CosineDecaySchedule(initValue, decaySteps, alpha, exponent);
  }

  /**
   * {@code optax.warmup_cosine_decay_schedule(init_value, peak_value, warmup_steps, decay_steps)}:
   * linear warmup to {@code peak_value}, then cosine decay to 0 over {@code decay_steps - warmup_steps}
   * steps ({@code decay_steps} includes the warmup and must exceed it).
   */
  public static Schedule warmupCosineDecay(double initValue, double peakValue, long warmupSteps, long decaySteps) {
    return warmupCosineDecay(initValue, peakValue, warmupSteps, decaySteps, 0.0, 1.0);
  }

  /** {@code optax.warmup_cosine_decay_schedule(init_value, peak_value, warmup_steps, decay_steps, end_value)}. */
  public static Schedule warmupCosineDecay(double initValue, double peakValue, long warmupSteps, long decaySteps,
      double endValue) {
    return warmupCosineDecay(initValue, peakValue, warmupSteps, decaySteps, endValue, 1.0);
  }

  /**
   * {@code optax.warmup_cosine_decay_schedule(init_value, peak_value, warmup_steps, decay_steps,
   * end_value, exponent)}.
   */
  public static Schedule warmupCosineDecay(double initValue, double peakValue, long warmupSteps, long decaySteps,
      double endValue, double exponent) {
    double alpha = peakValue == 0.0 ? 0.0 : endValue / peakValue;
    return join(List.of(
            linear(initValue, peakValue, warmupSteps),
            cosineDecay(peakValue, decaySteps - warmupSteps, alpha, exponent)),
        List.of(warmupSteps));
  }

  /**
   * {@code optax.warmup_exponential_decay_schedule(init_value, peak_value, warmup_steps,
   * transition_steps, decay_rate)}.
   */
  public static Schedule warmupExponentialDecay(double initValue, double peakValue, long warmupSteps,
      long transitionSteps, double decayRate) {
    return warmupExponentialDecay(initValue, peakValue, warmupSteps, transitionSteps, decayRate, 0, false, null);
  }

  /**
   * {@code optax.warmup_exponential_decay_schedule(init_value, peak_value, warmup_steps,
   * transition_steps, decay_rate, transition_begin, staircase, end_value)}; {@code endValue} may be null.
   */
  public static Schedule warmupExponentialDecay(double initValue, double peakValue, long warmupSteps,
      long transitionSteps, double decayRate, long transitionBegin, boolean staircase, Double endValue) {
    return join(List.of(
            linear(initValue, peakValue, warmupSteps),
            exponentialDecay(peakValue, transitionSteps, decayRate, transitionBegin, staircase, endValue)),
        List.of(warmupSteps));
  }

  /** {@code optax.piecewise_interpolate_schedule(interpolate_type, init_value, boundaries_and_scales)}. */
  public static Schedule piecewiseInterpolate(Interpolation interpolateType, double initValue,
      Map<? extends Number, ? extends Number> boundariesAndScales) {
    return new PiecewiseInterpolateSchedule(interpolateType, initValue, Boundaries.of(boundariesAndScales));
  }

  /**
   * {@code optax.piecewise_interpolate_schedule('linear' | 'cosine', init_value, boundaries_and_scales)};
   * another {@code interpolateType} throws, as in Optax.
   */
  public static Schedule piecewiseInterpolate(String interpolateType, double initValue,
      Map<? extends Number, ? extends Number> boundariesAndScales) {
    return piecewiseInterpolate(Interpolation.of(interpolateType), initValue, boundariesAndScales);
  }

  /**
   * {@code optax.join_schedules(schedules, boundaries)}: schedule {@code i + 1} takes over at
   * {@code boundaries[i]} and counts from it. There must be one boundary fewer than schedules.
   */
  public static Schedule join(List<? extends Schedule> schedules, List<? extends Number> boundaries) {
    List<Long> steps = new ArrayList<>(boundaries.size());
    for (Number b : boundaries) {
      if (b == null || b.doubleValue() != Math.rint(b.doubleValue())) {
        throw new IllegalArgumentException("join_schedules boundaries must be whole steps, got " + boundaries);
      }
      steps.add(b.longValue());
    }
    return new JoinedSchedule(List.copyOf(schedules), steps);
  }

  /** {@code optax.linear_onecycle_schedule(transition_steps, peak_value)} with Optax's defaults. */
  public static Schedule linearOnecycle(long transitionSteps, double peakValue) {
    return linearOnecycle(transitionSteps, peakValue, 0.3, 0.85, 25.0, 1e4);
  }

  /**
   * {@code optax.linear_onecycle_schedule(transition_steps, peak_value, pct_start, pct_final,
   * div_factor, final_div_factor)}: {@code transition_steps} must be positive.
   */
  public static Schedule linearOnecycle(long transitionSteps, double peakValue, double pctStart, double pctFinal,
      double divFactor, double finalDivFactor) {
    if (transitionSteps <= 0) {
      throw new IllegalArgumentException("A linear onecycle schedule was set with a non-positive `transition_steps`");
    }
    Map<Long, Double> boundaries = new LinkedHashMap<>();
    boundaries.put((long) (pctStart * transitionSteps), divFactor);
    boundaries.put((long) (pctFinal * transitionSteps), 1.0 / divFactor);
    boundaries.put(transitionSteps, 1.0 / finalDivFactor);
    return piecewiseInterpolate(Interpolation.LINEAR, peakValue / divFactor, boundaries);
  }

  /** {@code optax.cosine_onecycle_schedule(transition_steps, peak_value)} with Optax's defaults. */
  public static Schedule cosineOnecycle(long transitionSteps, double peakValue) {
    return cosineOnecycle(transitionSteps, peakValue, 0.3, 25.0, 1e4);
  }

  /**
   * {@code optax.cosine_onecycle_schedule(transition_steps, peak_value, pct_start, div_factor,
   * final_div_factor)}: {@code transition_steps} must be positive.
   */
  public static Schedule cosineOnecycle(long transitionSteps, double peakValue, double pctStart, double divFactor,
      double finalDivFactor) {
    if (transitionSteps <= 0) {
      throw new IllegalArgumentException("A cosine onecycle schedule was set with a non-positive `transition_steps`");
    }
    Map<Long, Double> boundaries = new LinkedHashMap<>();
    boundaries.put((long) (pctStart * transitionSteps), divFactor);
    boundaries.put(transitionSteps, 1.0 / (divFactor * finalDivFactor));
    return piecewiseInterpolate(Interpolation.COSINE, peakValue / divFactor, boundaries);
  }

  /**
   * {@code optax.sgdr_schedule(cosine_kwargs)}: warmup-cosine cycles one after the other, each
   * starting when the previous one's {@code decay_steps} are over.
   */
  public static Schedule sgdr(List<CosineCycle> cycles) {
    if (cycles == null || cycles.isEmpty()) {
      throw new IllegalArgumentException("sgdr_schedule needs at least one cycle");
    }
    List<Schedule> schedules = new ArrayList<>();
    List<Long> boundaries = new ArrayList<>();
    long step = 0;
    for (CosineCycle c : cycles) {
      schedules.add(warmupCosineDecay(c.initValue(), c.peakValue(), c.warmupSteps(), c.decaySteps(), c.endValue(),
          c.exponent()));
      step += c.decaySteps();
      boundaries.add(step);
    }
    return join(schedules, boundaries.subList(0, boundaries.size() - 1));
  }
}
