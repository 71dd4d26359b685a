package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code ScaleByLionState(count, mu)}.
 *
 * @param count updates applied so far (int32, saturating at {@link Integer#MAX_VALUE})
 * @param mu the momentum: a tree like the params
 */
@PyTreeNode
public record ScaleByLionState(int count, Object mu) implements OptState, ScaleByLionStatePyTree.With {}
