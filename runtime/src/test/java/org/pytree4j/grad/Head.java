package org.pytree4j.grad;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTreeNode;
import org.pytree4j.examples.Dense;

/** A projection followed by a per-feature affine map: {@code (z @ proj + b) * scales[0] + scales[1]}. */
@PyTreeNode
public record Head(Dense proj, List<INDArray> scales) implements HeadPyTree.With {}
