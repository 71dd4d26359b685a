package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code ScaleByRmsWithCountState(count, nu)}: the state of {@code scale_by_rms} with
 * {@code bias_correction=True}.
 *
 * @param count updates applied so far (int32, saturating at {@link Integer#MAX_VALUE})
 * @param nu the moving average of the squared gradients: a tree like the params
 */
@PyTreeNode
public record ScaleByRmsWithCountState(int count, Object nu) implements OptState, ScaleByRmsWithCountStatePyTree.With {}
