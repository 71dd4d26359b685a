package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code ScaleByRStdDevWithCountState(count, mu, nu)}: the state of {@code scale_by_stddev}
 * with {@code bias_correction=True}.
 *
 * @param count updates applied so far (int32, saturating at {@link Integer#MAX_VALUE})
 * @param mu the moving average of the gradients: a tree like the params
 * @param nu the moving average of the squared gradients: a tree like the params
 */
@PyTreeNode
public record ScaleByRStdDevWithCountState(int count, Object mu, Object nu)
    implements OptState, ScaleByRStdDevWithCountStatePyTree.With {}
