package org.pytree4j.serialization;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.Field;
import org.pytree4j.PyTreeNode;

/** A record with a static component, a boxed scalar and a component that may be None. */
@PyTreeNode
public record Tagged(INDArray weights, @Field(pytreeNode = false) String tag, Double learningRate, Object extra)
    implements TaggedPyTree.With {}
