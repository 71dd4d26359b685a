package readme;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.Flattened;
import org.pytree4j.PyTrees;

/** The README's first lines, run in a new project. */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) {
    Mlp mlp = new Mlp(new Dense(Nd4j.ones(2, 3), Nd4j.zeros(3)), new Dense(Nd4j.ones(3, 1), Nd4j.zeros(1)), "relu");
    Mlp half = PyTrees.map((INDArray x) -> x.mul(0.5), mlp);
    Mlp tanh = half.replace(b -> b.activation("tanh"));
    Flattened flat = MlpPyTree.flatten(tanh);
    Mlp back = MlpPyTree.unflatten(flat.treeDef(), flat.leaves());
    if (!back.equals(tanh) || half.hidden().kernel().getDouble(0, 0) != 0.5) {
      throw new AssertionError("flatten, unflatten or map went wrong: " + back);
    }
    System.out.println("README snippet: " + flat.leaves().size() + " leaves, first at "
        + PyTrees.leavesWithPath(tanh).get(0).path().keystr() + ", activation " + back.activation()
        + ", options " + Arrays.toString(args));
  }
}
