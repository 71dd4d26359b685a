package org.pytree4j.optim.schedule;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code WrappedScheduleState(count)}: the state of a plain {@link Schedule} inside
 * {@code injectHyperparams}.
 *
 * @param count the step the schedule is evaluated at by the next update
 */
@PyTreeNode
public record WrappedScheduleState(int count) implements WrappedScheduleStatePyTree.With {}
