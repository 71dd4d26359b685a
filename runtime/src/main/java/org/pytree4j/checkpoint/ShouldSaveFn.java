package org.pytree4j.checkpoint;

import java.util.OptionalLong;

/**
 * Orbax's {@code should_save_fn}: decides whether {@code step} is saved, given the latest saved
 * step (empty before the first save). When set, {@code saveIntervalSteps} and {@code saveOnSteps}
 * are not consulted; a step not after the latest is never saved.
 */
@FunctionalInterface
public interface ShouldSaveFn {
  boolean shouldSave(long step, OptionalLong latestStep);
}
