package org.pytree4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTreeNode;

/**
 * The running statistics of a {@link BatchNorm} layer, Flax's {@code {'mean': ..., 'var': ...}} of its
 * {@code batch_stats} collection.
 *
 * @param mean {@code [features]}, initialized to zeros
 * @param var {@code [features]}, initialized to ones
 */
@PyTreeNode
public record BatchNormStats(INDArray mean, INDArray var) implements BatchNormStatsPyTree.With {}
