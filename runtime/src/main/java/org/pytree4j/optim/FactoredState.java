package org.pytree4j.optim;

import org.pytree4j.PyTreeNode;

/**
 * Optax's {@code FactoredState(count, v_row, v_col, v)}: the state of {@code scale_by_factored_rms}
 * (adafactor). Each tree has a leaf per param; a factored param (two dimensions of at least
 * {@code min_dim_size_to_factor}) keeps {@code v_row} (its shape without its largest dimension) and
 * {@code v_col} (without its second largest) and a shape-(1,) zero as {@code v}; any other param keeps
 * {@code v} (its own shape) and shape-(1,) zeros as {@code v_row} and {@code v_col}, as in Optax.
 *
 * @param count updates applied so far (int32, saturating at {@link Integer#MAX_VALUE})
 * @param vRow the row statistics of the factored params
 * @param vCol the column statistics of the factored params
 * @param v the second moments of the params that are not factored
 */
@PyTreeNode
public record FactoredState(int count, Object vRow, Object vCol, Object v) implements OptState, FactoredStatePyTree.With {}
