package org.pytree4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTreeNode;

/**
 * The params of a {@link BatchNorm} layer, Flax's {@code {'scale': ..., 'bias': ...}} of its
 * {@code params} collection.
 *
 * @param scale {@code [features]}, initialized to ones (Flax's {@code scale_init})
 * @param bias {@code [features]}, initialized to zeros (Flax's {@code bias_init})
 */
@PyTreeNode
public record BatchNormParams(INDArray scale, INDArray bias) implements BatchNormParamsPyTree.With {}
