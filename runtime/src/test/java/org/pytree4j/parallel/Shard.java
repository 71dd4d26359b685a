package org.pytree4j.parallel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTreeNode;

/** A batch: inputs {@code x} and one-hot targets {@code y}. */
@PyTreeNode
public record Shard(INDArray x, INDArray y) implements ShardPyTree.With {}
