package org.pytree4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;

/**
 * {@code map} over several trees: every further tree must have the first as a prefix. When it does
 * not, the error names the first differing key path, what was expected and found there, and both
 * structures.
 */
class TreeMismatchTest {
  private final INDArray x = Nd4j.createFromArray(1.0);

  @Test
  void differentDictKeys() {
    Map<String, Object> a = Map.of("params", Map.of("dense", Map.of("kernel", 1, "bias", 2)));
    Map<String, Object> b = Map.of("params", Map.of("dense", Map.of("kernel", 1, "bias2", 2)));
    TreeMismatchException e = assertThrows(TreeMismatchException.class, () -> PyTrees.map((p, q) -> p, a, b));
    assertEquals(KeyPath.root().dict("params").dict("dense"), e.path());
    assertEquals("tree 1 does not match tree 0 at ['params']['dense']: expected dict with keys ['bias', 'kernel']"
            + " but found keys ['bias2', 'kernel']; missing ['bias']; unexpected ['bias2']\n"
            + "  tree 0 structure: PyTreeDef({'params': {'dense': {'bias': *, 'kernel': *}}})\n"
            + "  tree 1 structure: PyTreeDef({'params': {'dense': {'bias2': *, 'kernel': *}}})",
        e.getMessage());
  }

  @Test
  void differentListLength() {
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> PyTrees.map((p, q) -> p, Map.of("h", List.of(1, 2)), Map.of("h", List.of(1, 2, 3))));
    assertEquals("['h']", e.path().keystr());
    assertEquals("tree 1 does not match tree 0 at ['h']: expected a list of 2 but found a list of 3\n"
            + "  tree 0 structure: PyTreeDef({'h': [*, *]})\n"
            + "  tree 1 structure: PyTreeDef({'h': [*, *, *]})",
        e.getMessage());
  }

  @Test
  void differentNodeType() {
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> PyTrees.map((p, q) -> p, List.of(new Dense(x, x)), List.of(Map.of("kernel", x, "bias", x))));
    assertEquals("[0]", e.path().keystr());
    assertEquals("tree 1 does not match tree 0 at [0]: expected Dense but found dict with keys ['bias', 'kernel']\n"
            + "  tree 0 structure: PyTreeDef([Dense(kernel=*, bias=*)])\n"
            + "  tree 1 structure: PyTreeDef([{'bias': *, 'kernel': *}])",
        e.getMessage());
  }

  @Test
  void differentStaticData() {
    Mlp relu = new Mlp(new Dense(x, x), new Dense(x, x), "relu");
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> PyTrees.map((p, q) -> p, Map.of("model", relu), Map.of("model", relu.withActivation("tanh"))));
    assertEquals("['model']", e.path().keystr());
    assertEquals("tree 1 does not match tree 0 at ['model']: expected Mlp with static data {activation='relu'}"
            + " but found static data {activation='tanh'}\n"
            + "  tree 0 structure: PyTreeDef({'model': Mlp(hidden=Dense(kernel=*, bias=*), out=Dense(kernel=*,"
            + " bias=*), activation='relu')})\n"
            + "  tree 1 structure: PyTreeDef({'model': Mlp(hidden=Dense(kernel=*, bias=*), out=Dense(kernel=*,"
            + " bias=*), activation='tanh')})",
        e.getMessage());
  }

  @Test
  void noneWhereTheFirstTreeHasNone() {
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> PyTrees.map((p, q) -> p, Arrays.asList(1, null), List.of(1, 2)));
    assertEquals("[1]", e.path().keystr());
    assertEquals("tree 1 does not match tree 0 at [1]: expected None but found a leaf (Integer 2)\n"
            + "  tree 0 structure: PyTreeDef([*, None])\n"
            + "  tree 1 structure: PyTreeDef([*, *])",
        e.getMessage());
  }

  @Test
  void reportsTheFirstDifferenceInFlattenOrder() {
    Map<String, Object> a = Map.of("a", List.of(1), "b", Map.of("c", 1), "z", 1);
    Map<String, Object> b = Map.of("a", List.of(1, 2), "b", Map.of("d", 1), "z", 1);
    TreeMismatchException e = assertThrows(TreeMismatchException.class, () -> PyTrees.map((p, q) -> p, a, b));
    assertEquals("['a']", e.path().keystr());
  }

  @Test
  void recordPathsInMismatches() {
    Mlp mlp = new Mlp(new Dense(x, x), new Dense(x, x), "relu");
    Mlp other = new Mlp(new Dense(x, x), new Dense(x, null), "relu");
    TreeMismatchException e = assertThrows(TreeMismatchException.class, () -> PyTrees.map((p, q) -> p, other, mlp));
    assertEquals(".out.bias", e.path().keystr());
  }

  @Test
  void laterTreesMayHoldWholeSubtreesAtLeafPositions() {
    Map<String, Object> prefix = Map.of("a", 10, "b", 20);
    Map<String, Object> full = Map.of("a", List.of(1, 2), "b", Map.of("c", 3));
    Map<String, Object> sizes = PyTrees.map((Integer scale, Object subtree) -> scale * PyTrees.leaves(subtree).size(),
        prefix, full);
    assertEquals(Map.of("a", 20, "b", 20), sizes);
  }

  @Test
  void mapNNamesTheTreeThatDiffers() {
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> PyTrees.mapN(args -> args.get(0), List.of(1, 2), List.of(3, 4), List.of(5)));
    assertEquals("tree 2 does not match tree 0 at <root>: expected a list of 2 but found a list of 1\n"
            + "  tree 0 structure: PyTreeDef([*, *])\n"
            + "  tree 2 structure: PyTreeDef([*])",
        e.getMessage());
  }

  @Test
  void mapNPassesOneArgumentPerTreeInOrder() {
    List<Object> sums = PyTrees.mapN(args -> (Integer) args.get(0) + 10 * (Integer) args.get(1)
        + 100 * (Integer) args.get(2), List.of(1, 2), List.of(3, 4), List.of(5, 6));
    assertEquals(List.of(531, 642), sums);
  }
}
