package org.pytree4j.checkpoint;

/** Orbax's {@code best_mode}: whether a larger or a smaller {@code bestFn} value is better. */
public enum BestMode {
  /** Orbax's {@code 'max'} (its default): keep the checkpoints of the largest values. */
  MAX,
  /** Orbax's {@code 'min'}: keep the checkpoints of the smallest values (a loss). */
  MIN
}
