package org.pytree4j.optim.schedule;

import java.util.List;

/**
 * Optax's {@code join_schedules(schedules, boundaries)}: {@code schedules[0]} until
 * {@code boundaries[0]}, then {@code schedules[1]} counting from that boundary, and so on.
 */
public record JoinedSchedule(List<Schedule> schedules, List<Long> boundaries) implements Schedule {

  public JoinedSchedule {
    if (schedules == null || schedules.isEmpty() || schedules.stream().anyMatch(s -> s == null)) {
      throw new IllegalArgumentException("join_schedules needs at least one schedule and no null");
    }
    if (boundaries == null || boundaries.size() != schedules.size() - 1 || boundaries.stream().anyMatch(b -> b == null)) {
      throw new IllegalArgumentException("join_schedules needs one boundary fewer than schedules: "
          + schedules.size() + " schedules, boundaries " + boundaries);
    }
    schedules = List.copyOf(schedules);
    boundaries = List.copyOf(boundaries);
  }

  @Override
  public double value(long count) {
    int chosen = 0;
    long offset = 0;
    for (int i = 0; i < boundaries.size(); i++) {
      long boundary = boundaries.get(i);
      if (count >= boundary) {
        chosen = i + 1;
        offset = boundary;
      }
    }
    return schedules.get(chosen).value(count - offset);
  }
}
