package org.pytree4j.checkpoint;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.ToDoubleFunction;

/**
 * The options of a {@link CheckpointManager}, Orbax's {@code CheckpointManagerOptions} in camelCase:
 * see the manager's methods of the same names. {@code maxToKeep} null keeps every checkpoint (as
 * Orbax's None); {@code executor} and {@code clock} are for tests.
 */
record CheckpointOptions(
    Integer maxToKeep,
    Long keepPeriod,
    Duration keepTimeInterval,
    ToDoubleFunction<Map<String, Object>> bestFn,
    BestMode bestMode,
    boolean keepCheckpointsWithoutMetrics,
    long saveIntervalSteps,
    Set<Long> saveOnSteps,
    ShouldSaveFn shouldSaveFn,
    boolean enableAsyncCheckpointing,
    Executor executor,
    Clock clock) {

  /** Flax's {@code save_checkpoint} defaults: keep the newest checkpoint only, save every step, synchronously. */
  static CheckpointOptions flaxDefaults() {
    return new CheckpointOptions(1, null, null, null, BestMode.MAX, true, 1, Set.of(), null, false, null,
        Clock.systemUTC());
  }

  CheckpointOptions withMaxToKeep(Integer n) {
    return new CheckpointOptions(n, keepPeriod, keepTimeInterval, bestFn, bestMode, keepCheckpointsWithoutMetrics,
        saveIntervalSteps, saveOnSteps, shouldSaveFn, enableAsyncCheckpointing, executor, clock);
  }

  CheckpointOptions withKeepPeriod(Long period) {
    return new CheckpointOptions(maxToKeep, period, keepTimeInterval, bestFn, bestMode, keepCheckpointsWithoutMetrics,
        saveIntervalSteps, saveOnSteps, shouldSaveFn, enableAsyncCheckpointing, executor, clock);
  }

  CheckpointOptions withKeepTimeInterval(Duration interval) {
    return new CheckpointOptions(maxToKeep, keepPeriod, interval, bestFn, bestMode, keepCheckpointsWithoutMetrics,
        saveIntervalSteps, saveOnSteps, shouldSaveFn, enableAsyncCheckpointing, executor, clock);
  }

  CheckpointOptions withBestFn(ToDoubleFunction<Map<String, Object>> fn) {
    return new CheckpointOptions(maxToKeep, keepPeriod, keepTimeInterval, fn, bestMode, keepCheckpointsWithoutMetrics,
        saveIntervalSteps, saveOnSteps, shouldSaveFn, enableAsyncCheckpointing, executor, clock);
  }

  CheckpointOptions withBestMode(BestMode mode) {
    return new CheckpointOptions(maxToKeep, keepPeriod, keepTimeInterval, bestFn, mode, keepCheckpointsWithoutMetrics,
        saveIntervalSteps, saveOnSteps, shouldSaveFn, enableAsyncCheckpointing, executor, clock);
  }

  CheckpointOptions withKeepCheckpointsWithoutMetrics(boolean keep) {
    return new CheckpointOptions(maxToKeep, keepPeriod, keepTimeInterval, bestFn, bestMode, keep,
        saveIntervalSteps, saveOnSteps, shouldSaveFn, enableAsyncCheckpointing, executor, clock);
  }

  CheckpointOptions withSaveIntervalSteps(long interval) {
    return new CheckpointOptions(maxToKeep, keepPeriod, keepTimeInterval, bestFn, bestMode,
        keepCheckpointsWithoutMetrics, interval, saveOnSteps, shouldSaveFn, enableAsyncCheckpointing, executor, clock);
  }

  CheckpointOptions withSaveOnSteps(Set<Long> steps) {
    return new CheckpointOptions(maxToKeep, keepPeriod, keepTimeInterval, bestFn, bestMode,
        keepCheckpointsWithoutMetrics, saveIntervalSteps, Set.copyOf(steps), shouldSaveFn, enableAsyncCheckpointing,
        executor, clock);
  }

  CheckpointOptions withShouldSaveFn(ShouldSaveFn fn) {
    return new CheckpointOptions(maxToKeep, keepPeriod, keepTimeInterval, bestFn, bestMode,
        keepCheckpointsWithoutMetrics, saveIntervalSteps, saveOnSteps, fn, enableAsyncCheckpointing, executor, clock);
  }

  CheckpointOptions withEnableAsyncCheckpointing(boolean async) {
    return new CheckpointOptions(maxToKeep, keepPeriod, keepTimeInterval, bestFn, bestMode,
        keepCheckpointsWithoutMetrics, saveIntervalSteps, saveOnSteps, shouldSaveFn, async, executor, clock);
  }

  CheckpointOptions withExecutor(Executor writer) {
    return new CheckpointOptions(maxToKeep, keepPeriod, keepTimeInterval, bestFn, bestMode,
        keepCheckpointsWithoutMetrics, saveIntervalSteps, saveOnSteps, shouldSaveFn, enableAsyncCheckpointing, writer,
        clock);
  }

  CheckpointOptions withClock(Clock time) {
    return new CheckpointOptions(maxToKeep, keepPeriod, keepTimeInterval, bestFn, bestMode,
        keepCheckpointsWithoutMetrics, saveIntervalSteps, saveOnSteps, shouldSaveFn, enableAsyncCheckpointing, executor,
        time);
  }
}
