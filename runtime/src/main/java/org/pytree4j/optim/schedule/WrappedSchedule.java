package org.pytree4j.optim.schedule;

import java.util.Map;

/**
 * Optax's {@code WrappedSchedule}: a plain {@link Schedule} as a {@link StatefulSchedule} whose
 * state counts updates, so that update {@code n} uses {@code schedule(n)}.
 */
public final class WrappedSchedule implements StatefulSchedule<WrappedScheduleState> {
  private final Schedule schedule;

  public WrappedSchedule(Schedule schedule) {
    if (schedule == null) {
      throw new IllegalArgumentException("schedule must not be null");
    }
    this.schedule = schedule;
  }

  /** The wrapped schedule. */
  public Schedule schedule() {
    return schedule;
  }

  @Override
  public WrappedScheduleState init() {
    return new WrappedScheduleState(0);
  }

  @Override
  public WrappedScheduleState update(WrappedScheduleState state, Map<String, ?> extraArgs) {
    int count = state.count();
    return new WrappedScheduleState(count == Integer.MAX_VALUE ? count : count + 1);
  }

  @Override
  public double value(WrappedScheduleState state, Map<String, ?> extraArgs) {
    return schedule.value(state.count());
  }

  @Override
  public String toString() {
    return "WrappedSchedule(" + schedule + ")";
  }
}
