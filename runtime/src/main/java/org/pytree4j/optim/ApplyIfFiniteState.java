package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code ApplyIfFiniteState(notfinite_count, last_finite, total_notfinite, inner_state)}: the
 * state of {@link ApplyIfFinite}.
 *
 * @param notfiniteCount updates in a row, up to this one, that held an Inf or a NaN (int32, saturating);
 *     0 after a finite one
 * @param lastFinite whether the latest updates were all finite
 * @param totalNotfinite updates that held an Inf or a NaN since init (int32, saturating); never reset
 * @param innerState the state of the wrapped transformation
 */
@PyTreeNode
public record ApplyIfFiniteState(int notfiniteCount, boolean lastFinite, int totalNotfinite, OptState innerState)
    implements OptState, ApplyIfFiniteStatePyTree.With {}
