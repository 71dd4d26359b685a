package org.pytree4j.examples;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.Field;
import org.pytree4j.PyTreeNode;

/**
 * A node record that does not declare {@code implements BarePyTree.With} (and says so, which keeps
 * the processor's warning away): it still gets a companion, and the runtime finds its node type
 * through the annotation.
 */
@PyTreeNode(withInterface = false)
public record Bare(INDArray weight, @Field(pytreeNode = false) int size) {}
