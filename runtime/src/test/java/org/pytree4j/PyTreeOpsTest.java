package org.pytree4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;

/** The tree utilities besides flatten and two-tree map: isLeaf, reduce, all, map with paths. */
class PyTreeOpsTest {
  private final INDArray k = Nd4j.createFromArray(1.0, 2.0);
  private final INDArray b = Nd4j.createFromArray(3.0);
  private final Mlp mlp = new Mlp(new Dense(k, b), new Dense(k, b), "relu");

  @Test
  void mapWithTypedLambdaKeepsStaticDataAndOriginal() {
    Mlp doubled = PyTrees.map((INDArray x) -> x.mul(2), mlp);
    assertEquals(Nd4j.createFromArray(2.0, 4.0), doubled.hidden().kernel());
    assertEquals(Nd4j.createFromArray(1.0, 2.0), mlp.hidden().kernel());
    assertEquals("relu", doubled.activation());
  }

  @Test
  void isLeafStopsTheWalkAtMatchingNodes() {
    PyTreeOps denseAsLeaf = PyTrees.isLeaf(x -> x instanceof Dense);
    assertEquals(List.of(mlp.hidden(), mlp.out()), denseAsLeaf.leaves(mlp));
    assertEquals(List.of(".hidden", ".out"),
        denseAsLeaf.leavesWithPath(mlp).stream().map(leaf -> leaf.path().keystr()).toList());
    assertEquals("PyTreeDef(Mlp(hidden=*, out=*, activation='relu'))", denseAsLeaf.structure(mlp).toString());

    Mlp swapped = denseAsLeaf.map((Dense d) -> new Dense(d.bias(), d.kernel()), mlp);
    assertSame(b, swapped.hidden().kernel());
    assertSame(k, swapped.out().bias());
  }

  @Test
  void isLeafCanMakeNoneALeaf() {
    List<Object> tree = Arrays.asList(1, null, List.of(2));
    assertEquals(List.of(1, 2), PyTrees.leaves(tree));
    assertEquals(Arrays.asList(1, null, 2), PyTrees.isLeaf(x -> x == null).leaves(tree));
  }

  @Test
  void isLeafAppliesToEveryTreeOfAMultiTreeMap() {
    PyTreeOps pairs = PyTrees.isLeaf(x -> x instanceof List<?> l && l.size() == 2);
    Map<String, Object> tree = Map.of("a", List.of(1, 2), "b", List.of(3, 4));
    Map<String, Object> sums = pairs.map((List<Integer> pair, Integer scale) -> (pair.get(0) + pair.get(1)) * scale,
        tree, Map.of("a", 10, "b", 100));
    assertEquals(Map.of("a", 30, "b", 700), sums);
  }

  @Test
  void reduceFoldsLeavesLeftToRightInFlattenOrder() {
    Map<String, Object> tree = Map.of("b", "2", "a", "1", "c", List.of("3", "4"));
    assertEquals("1234", PyTrees.reduce((String acc, String leaf) -> acc + leaf, tree, ""));
    assertEquals(10, PyTrees.<Integer, Integer>reduce(Integer::sum, List.of(1, List.of(2, 3), Map.of("x", 4)), 0));
    assertEquals("init", PyTrees.reduce((String acc, Object leaf) -> acc + leaf, null, "init"));
  }

  @Test
  void allOverBooleanLeaves() {
    assertTrue(PyTrees.all(Map.of("a", true, "b", List.of(true))));
    assertFalse(PyTrees.all(Map.of("a", true, "b", List.of(false))));
    assertTrue(PyTrees.all(List.of()));
    InvalidTreeException e = assertThrows(InvalidTreeException.class,
        () -> PyTrees.all(Map.of("a", true, "b", List.of(1))));
    assertEquals("['b'][0]", e.path().keystr());
    assertEquals("all(tree) needs Boolean leaves but the leaf at ['b'][0] is Integer 1; use all(predicate, tree)",
        e.getMessage());
  }

  @Test
  void allWithPredicate() {
    assertTrue(PyTrees.all((INDArray x) -> x.length() > 0, mlp));
    assertFalse(PyTrees.all((INDArray x) -> x.length() > 1, mlp));
  }

  @Test
  void mapWithPathSeesEveryLeafsKeyPath() {
    List<String> seen = new ArrayList<>();
    Map<String, Object> tree = Map.of("params", mlp, "step", 3L);
    Map<String, Object> mapped = PyTrees.mapWithPath((KeyPath path, Object leaf) -> {
      seen.add(path.simple());
      return leaf;
    }, tree);
    assertEquals(List.of("params/hidden/kernel", "params/hidden/bias", "params/out/kernel", "params/out/bias", "step"),
        seen);
    assertEquals(tree, mapped);

    Map<String, Object> keystrs = PyTrees.mapWithPath((KeyPath path, Object leaf) -> path.keystr(),
        Map.of("a", List.of(0, 0), "b", 0));
    assertEquals(Map.of("a", List.of("['a'][0]", "['a'][1]"), "b", "['b']"), keystrs);
  }

  @Test
  void mapWithPathNOverTwoTrees() {
    Map<String, Object> a = Map.of("x", 1, "y", 2);
    Map<String, Object> b = Map.of("x", 10, "y", 20);
    Map<String, Object> out = PyTrees.mapWithPathN((path, args) -> path.simple() + "=" + args, a, b);
    assertEquals(Map.of("x", "x=[1, 10]", "y", "y=[2, 20]"), out);
  }
}
