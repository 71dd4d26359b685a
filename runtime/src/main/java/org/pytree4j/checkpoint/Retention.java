package org.pytree4j.checkpoint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which checkpoints a save removes: Orbax's {@code CheckpointManager._get_old_steps_to_remove}, rule
 * for rule. With {@code maxToKeep} unset nothing is removed. Otherwise the checkpoints are ranked
 * (by step, or by {@code bestFn} of their metrics when set: worst first, checkpoints without
 * metrics apart), the last {@code maxToKeep} of the ranking stay, and of the rest each stays only if
 * {@code keepTimeInterval} or {@code keepPeriod} preserves it.
 */
final class Retention {
  private Retention() {}

  /**
   * The steps to remove from {@code checkpoints} (ascending by step, the one just saved last) under
   * {@code options}.
   */
  static List<Long> stepsToRemove(List<CheckpointInfo> checkpoints, CheckpointOptions options) {
    Integer maxToKeep = options.maxToKeep();
    if (maxToKeep == null || checkpoints.size() <= maxToKeep) {
      return List.of();
    }
    List<CheckpointInfo> withoutMetrics = new ArrayList<>();
    List<CheckpointInfo> ranked = new ArrayList<>();
    if (options.bestFn() != null) {
      Map<Long, Double> values = new HashMap<>();
      for (CheckpointInfo info : checkpoints) {
        Double value = value(info, options);
        if (value == null) {
          withoutMetrics.add(info);
        } else {
          values.put(info.step(), value);
          ranked.add(info);
        }
      }
      Comparator<CheckpointInfo> byValue = Comparator.comparingDouble(info -> values.get(info.step()));
      // Orbax's _sort_checkpoints_by_metrics: increasing quality, the best last. Python's
      // sorted(..., reverse=True) for 'min' keeps equal values in step order, as this does.
      ranked.sort(options.bestMode() == BestMode.MIN ? (a, b) -> byValue.compare(b, a) : byValue);
    } else {
      ranked.addAll(checkpoints);
    }

    int keep = maxToKeep;
    List<CheckpointInfo> maybeDelete;
    Set<Long> active = new HashSet<>();
    if (options.keepCheckpointsWithoutMetrics()) {
      maybeDelete = ranked.subList(0, Math.max(0, ranked.size() - keep));
      withoutMetrics.forEach(info -> active.add(info.step()));
      ranked.subList(Math.max(0, ranked.size() - keep), ranked.size()).forEach(info -> active.add(info.step()));
    } else {
      List<CheckpointInfo> all = new ArrayList<>(withoutMetrics);
      all.addAll(ranked);
      maybeDelete = all.subList(0, Math.max(0, all.size() - keep));
      all.subList(Math.max(0, all.size() - keep), all.size()).forEach(info -> active.add(info.step()));
    }

    List<CheckpointInfo> intervalPreserved = intervalPreserved(checkpoints, options);
    Set<Long> kept = new HashSet<>(active);
    for (CheckpointInfo info : maybeDelete) {
      if (options.keepTimeInterval() != null && !intervalPreserved.isEmpty()) {
        if (intervalPreserved.contains(info)) {
          kept.add(info.step());
          continue;
        }
        CheckpointInfo last = intervalPreserved.get(intervalPreserved.size() - 1);
        if (!info.time().isBefore(last.time().plus(options.keepTimeInterval()))) {
          intervalPreserved.add(info);
          kept.add(info.step());
          continue;
        }
      }
      if (options.keepPeriod() != null && info.step() % options.keepPeriod() == 0) {
        kept.add(info.step());
      }
    }
    List<Long> remove = new ArrayList<>();
    for (CheckpointInfo info : checkpoints) {
      if (!kept.contains(info.step())) {
        remove.add(info.step());
      }
    }
    return remove;
  }

  /**
   * {@code bestFn} of a checkpoint's metrics, or null when it has none, or when {@code bestFn} cannot
   * rank them (metrics of another kind saved by an earlier run): such a checkpoint counts as one
   * without metrics, rather than failing every later save.
   */
  private static Double value(CheckpointInfo info, CheckpointOptions options) {
    if (info.metrics().isEmpty()) {
      return null;
    }
    try {
      return options.bestFn().applyAsDouble(info.metrics().get());
    } catch (RuntimeException e) {
      System.getLogger(Retention.class.getName()).log(System.Logger.Level.WARNING, "bestFn cannot rank the"
          + " metrics of step " + info.step() + " (" + e + "); counting it as a checkpoint without metrics");
      return null;
    }
  }

  /**
   * Orbax's {@code _get_interval_preserved_checkpoints}: the oldest checkpoint, then each one at least
   * {@code keepTimeInterval} after the last preserved.
   */
  private static List<CheckpointInfo> intervalPreserved(List<CheckpointInfo> checkpoints, CheckpointOptions options) {
    List<CheckpointInfo> preserved = new ArrayList<>();
    if (checkpoints.isEmpty()) {
      return preserved;
    }
    preserved.add(checkpoints.get(0));
    if (options.keepTimeInterval() != null) {
      for (CheckpointInfo info : checkpoints.subList(1, checkpoints.size())) {
        CheckpointInfo last = preserved.get(preserved.size() - 1);
        if (!info.time().isBefore(last.time().plus(options.keepTimeInterval()))) {
          preserved.add(info);
        }
      }
    }
    return preserved;
  }
}
