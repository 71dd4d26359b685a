package org.pytree4j.samples;

import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.Field;
import org.pytree4j.LeafWithPath;
import org.pytree4j.PyTreeNode;
import org.pytree4j.PyTrees;
import org.pytree4j.TreeDef;

/** A first look at generated pytree records: withers, replace, flatten, map and key paths. */
public final class QuickTour {
  private QuickTour() {}

  @PyTreeNode
  public record Dense(INDArray kernel, INDArray bias) implements QuickTour_DensePyTree.With {}

  @PyTreeNode
  public record Mlp(Dense hidden, Dense out, @Field(pytreeNode = false) String activation)
      implements QuickTour_MlpPyTree.With {}

  public static void main(String[] args) {
    Nd4j.getRandom().setSeed(0);
    Mlp mlp = new Mlp(
        new Dense(Nd4j.randn(DataType.FLOAT, 2, 8), Nd4j.zeros(DataType.FLOAT, 8)),
        new Dense(Nd4j.randn(DataType.FLOAT, 8, 1), Nd4j.zeros(DataType.FLOAT, 1)),
        "relu");

    TreeDef structure = PyTrees.structure(mlp);
    System.out.println("structure:  " + structure);
    for (LeafWithPath leaf : PyTrees.leavesWithPath(Map.of("params", mlp))) {
      System.out.println("leaf        " + leaf);
    }
    Mlp scaled = PyTrees.map((INDArray x) -> x.mul(0.5), mlp);
    Mlp tanh = mlp.replace(b -> b.activation("tanh"));
    System.out.println("scaled kernel[0,0] = " + scaled.hidden().kernel().getFloat(0, 0)
        + " (original " + mlp.hidden().kernel().getFloat(0, 0) + ", unchanged)");
    System.out.println("same structure after replace(activation)? " + structure.equals(PyTrees.structure(tanh)));
  }
}
