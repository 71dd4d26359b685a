package readme;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTreeNode;

@PyTreeNode
public record Dense(INDArray kernel, INDArray bias) implements DensePyTree.With {}
