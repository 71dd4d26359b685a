package org.pytree4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.Field;
import org.pytree4j.PyTreeNode;

/** A model made of generated {@link PyTreeNode} records: blocks of two linear layers, four leaves per block. */
final class Layers {
  private Layers() {}

  @PyTreeNode
  record Linear(INDArray kernel, INDArray bias) implements Layers_LinearPyTree.With {}

  @PyTreeNode
  record Block(Linear attention, Linear mlp, @Field(pytreeNode = false) String name) implements Layers_BlockPyTree.With {}

  @PyTreeNode
  record Model(List<Block> blocks, @Field(pytreeNode = false) int width) implements Layers_ModelPyTree.With {}

  /** A model with {@code leaves} leaves (a multiple of 4), every leaf the same small array. */
  static Model model(int leaves, INDArray leaf) {
    List<Block> blocks = new ArrayList<>(leaves / 4);
    for (int i = 0; i < leaves / 4; i++) {
      blocks.add(new Block(new Linear(leaf, leaf), new Linear(leaf, leaf), "block" + i));
    }
    return new Model(List.copyOf(blocks), 64);
  }
}
