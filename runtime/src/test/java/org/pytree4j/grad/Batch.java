package org.pytree4j.grad;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTreeNode;

/** A batch of inputs {@code x} and targets {@code y}. */
@PyTreeNode
public record Batch(INDArray x, INDArray y) implements BatchPyTree.With {}
