package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code ScaleByScheduleState(count)}.
 *
 * @param count updates applied so far: the step the schedule is evaluated at next
 */
@PyTreeNode
public record ScaleByScheduleState(int count) implements OptState, ScaleByScheduleStatePyTree.With {}
