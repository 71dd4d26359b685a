package org.pytree4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;
import org.pytree4j.examples.MlpPyTree;

class PyTreesSmokeTest {
  @Test
  void flattensRecordsMapsAndLists() {
    INDArray k = Nd4j.ones(2, 3);
    INDArray b = Nd4j.zeros(3);
    Mlp mlp = new Mlp(new Dense(k, b), new Dense(k, b), "relu");
    Map<String, Object> tree = Map.of("params", mlp, "extra", Arrays.asList(1, null, 2.5));
    Flattened flat = PyTrees.flatten(tree);
    assertEquals(6, flat.leaves().size());
    assertEquals(
        "PyTreeDef({'extra': [*, None, *], 'params': Mlp(hidden=Dense(kernel=*, bias=*), out=Dense(kernel=*, bias=*), activation='relu')})",
        flat.treeDef().toString());
    List<LeafWithPath> paths = PyTrees.leavesWithPath(tree);
    assertEquals("['params'].hidden.kernel", paths.get(2).path().keystr());
    assertEquals("params/hidden/kernel", paths.get(2).path().simple());
    Object back = flat.unflatten();
    assertEquals(flat.treeDef(), PyTrees.structure(back));
    Mlp doubled = PyTrees.map((INDArray x) -> x.mul(2), mlp);
    assertEquals(2.0, doubled.hidden().kernel().getDouble(0), 0.0);
    assertEquals(1.0, mlp.hidden().kernel().getDouble(0), 0.0);
    assertEquals("relu", doubled.activation());
    Mlp replaced = mlp.replace(bld -> bld.activation("tanh"));
    assertEquals("tanh", replaced.activation());
    assertEquals("relu", mlp.activation());
    assertEquals(mlp.hidden(), MlpPyTree.unflatten(MlpPyTree.flatten(mlp).treeDef(), MlpPyTree.flatten(mlp).leaves()).hidden());
  }

  @Test
  void mismatchNamesPathAndBothStructures() {
    Map<String, Object> a = Map.of("dense", Map.of("kernel", 1, "bias", 2));
    Map<String, Object> b = Map.of("dense", Map.of("kernel", 1, "bias2", 2));
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> PyTrees.map((x, y) -> x, a, b));
    assertEquals("['dense']", e.path().keystr());
    assertTrue(e.getMessage().contains("tree 0 structure: PyTreeDef({'dense': {'bias': *, 'kernel': *}})"), e.getMessage());
    assertTrue(e.getMessage().contains("missing ['bias']; unexpected ['bias2']"), e.getMessage());
  }

  @Test
  void staticDataIsStructure() {
    INDArray k = Nd4j.ones(1);
    Mlp relu = new Mlp(new Dense(k, k), new Dense(k, k), "relu");
    Mlp tanh = relu.withActivation("tanh");
    TreeMismatchException e = assertThrows(TreeMismatchException.class, () -> PyTrees.map((x, y) -> x, relu, tanh));
    assertTrue(e.getMessage().contains("activation='relu'"), e.getMessage());
  }
}
