package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.LEARNING_RATE;

import java.util.List;
import java.util.Map;
import org.pytree4j.optim.schedule.Schedule;
import org.pytree4j.optim.schedule.StatefulSchedule;

/**
 * Optax's {@code scale_by_learning_rate(learning_rate, flip_sign=True)}: {@code u = -lr * g}
 * ({@code +lr * g} with {@code flipSign(false)}). A constant learning rate is {@code scale(-lr)}
 * (state {@link EmptyState}); a schedule is {@code scale_by_schedule(c -> -lr(c))} (state
 * {@link ScaleByScheduleState}). Hyperparameter: {@code learning_rate}.
 */
public final class ScaleByLearningRate extends InjectableTransformation<ScaleByLearningRate> {
  private final boolean flipSign;
  private final GradientTransformation delegate;

  ScaleByLearningRate(Map<Hyperparam, ?> values, boolean flipSign) {
    super("scale_by_learning_rate", List.of(LEARNING_RATE), values);
    this.flipSign = flipSign;
    this.delegate = optaxDelegate();
  }

  /** Whether updates are scaled by {@code -learning_rate} (Optax's default, true) or {@code +learning_rate}. */
  public ScaleByLearningRate flipSign(boolean flipSign) {
    return new ScaleByLearningRate(hyperparams(), flipSign);
  }

  @Override
  ScaleByLearningRate withHyperparams(Map<Hyperparam, Object> values) {
    return new ScaleByLearningRate(values, flipSign);
  }

  /** What this is in Optax's terms: {@code scale(m * lr)}, {@code scale_by_schedule(...)} or {@code identity()}. */
  GradientTransformation delegate() {
    if (delegate == null) {
      throw value(LEARNING_RATE) instanceof StatefulSchedule ? scheduleOutsideInject(LEARNING_RATE)
          : new IllegalStateException("unexpected learning rate " + value(LEARNING_RATE));
    }
    return delegate;
  }

  /** Built once: the step asks for it every time. Null when the learning rate cannot be one ({@link #delegate} says why). */
  private GradientTransformation optaxDelegate() {
    double m = flipSign ? -1 : 1;
    Object lr = value(LEARNING_RATE);
    if (lr == null) {
      return Identity.INSTANCE;
    }
    if (lr instanceof Double d) {
      return new Scale(Map.of(Hyperparam.STEP_SIZE, m * d));
    }
    if (lr instanceof Schedule schedule) {
      return new ScaleBySchedule(new SignedSchedule(schedule, m));
    }
    return null;
  }

  @Override
  public OptState init(Object params) {
    return delegate().init(params);
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    checkPart(delegate(), updates, state, params, extraArgs);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    return applyPart(delegate(), true, updates, state, params, extraArgs);
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    return fusePart(delegate(), state, extraArgs);
  }

  @Override
  String staticsString() {
    return flipSign ? "" : "flip_sign=false";
  }

  /** {@code count -> m * schedule(count)}. */
  private record SignedSchedule(Schedule schedule, double m) implements Schedule {
    @Override
    public double value(long count) {
      return m * schedule.value(count);
    }
  }
}
