package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code ScaleByBeliefState(count, mu, nu)}: the state of {@code scale_by_belief} (AdaBelief).
 *
 * @param count updates applied so far (int32, saturating at {@link Integer#MAX_VALUE})
 * @param mu the moving average of the gradients: a tree like the params
 * @param nu the moving average of the squared prediction error {@code (g - mu)^2}, plus {@code eps_root}
 *     each step: a tree like the params
 */
@PyTreeNode
public record ScaleByBeliefState(int count, Object mu, Object nu) implements OptState, ScaleByBeliefStatePyTree.With {}
