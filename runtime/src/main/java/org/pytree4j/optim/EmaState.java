package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code EmaState(count, ema)}: the state of {@link Ema}.
 *
 * @param count updates applied so far (int32, saturating at {@link Integer#MAX_VALUE})
 * @param ema the moving average of the updates (not debiased): a tree like the params
 */
@PyTreeNode
public record EmaState(int count, Object ema) implements OptState, EmaStatePyTree.With {}
