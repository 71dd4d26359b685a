package org.pytree4j.examples;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.Field;
import org.pytree4j.PyTreeNode;

/** A record with a static array that is meant to be static, and a static value of any type. */
@PyTreeNode
public record Frozen(INDArray kernel, @Field(pytreeNode = false, frozen = true) INDArray bias,
    @Field(pytreeNode = false) Object tag) implements FrozenPyTree.With {}
