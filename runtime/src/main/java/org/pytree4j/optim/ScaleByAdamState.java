package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code ScaleByAdamState(count, mu, nu)}.
 *
 * @param count updates applied so far (int32, saturating at {@link Integer#MAX_VALUE})
 * @param mu the first moment: a tree like the params
 * @param nu the second moment: a tree like the params
 */
@PyTreeNode
public record ScaleByAdamState(int count, Object mu, Object nu) implements OptState, ScaleByAdamStatePyTree.With {}
