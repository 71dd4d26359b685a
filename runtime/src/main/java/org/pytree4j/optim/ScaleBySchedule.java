package org.pytree4j.optim;

import java.util.Map;
import org.pytree4j.optim.kernels.ScaleOp;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code scale_by_schedule(step_size_fn)}: {@code u = step_size_fn(count) * g}, then
 * {@code count + 1}; update {@code n} uses {@code step_size_fn(n)}. State: {@link ScaleByScheduleState}.
 */
public final class ScaleBySchedule extends AbstractTransformation {
  private final Schedule stepSizeFn;

  ScaleBySchedule(Schedule stepSizeFn) {
    if (stepSizeFn == null) {
      throw new IllegalArgumentException("scale_by_schedule needs a schedule, not null");
    }
    this.stepSizeFn = stepSizeFn;
  }

  @Override
  public OptState init(Object params) {
    return new ScaleByScheduleState(0);
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    stateAs(state, ScaleByScheduleState.class, "scale_by_schedule");
    UpdateTrees.flatten(updates, "updates");
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    int count = ((ScaleByScheduleState) state).count();
    double stepSize = stepSizeFn.value(count);
    return new UpdateResult(Scale.scaled(updates, stepSize), new ScaleByScheduleState(Numerics.safeIncrement(count)));
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    int count = ((ScaleByScheduleState) state).count();
    double stepSize = stepSizeFn.value(count);
    return FusedPart.of(new ScaleOp(stepSize), new ScaleByScheduleState(Numerics.safeIncrement(count)));
  }

  @Override
  public String toString() {
    return "scale_by_schedule(" + stepSizeFn + ")";
  }
}
