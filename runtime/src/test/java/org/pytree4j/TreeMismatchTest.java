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
import org.pytree4j.examples.Frozen;
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
  void staticArraysThatPrintTheSameSayTheirValuesDiffer() {
    Frozen a = new Frozen(x, Nd4j.createFromArray(1f, 2f, 3f, 4f), "t");
    Frozen b = a.withBias(Nd4j.createFromArray(1f, 2f, 3f, 5f));
    TreeMismatchException e = assertThrows(TreeMismatchException.class, () -> PyTrees.map((p, q) -> p, a, b));
    assertEquals("tree 1 does not match tree 0 at <root>: expected Frozen with static data {bias=float32[4],"
            + " tag='t'} but found static data that prints the same and differs in 'bias': they are two INDArrays"
            + " of the same dtype and shape whose values differ\n"
            + "  both structures print as: PyTreeDef(Frozen(kernel=*, bias=float32[4], tag='t'))",
        e.getMessage());
  }

  @Test
  void staticValuesThatPrintTheSameSayTheyDifferInType() {
    Frozen a = new Frozen(x, null, 1);
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> PyTrees.map((p, q) -> p, a, a.withTag(1L)));
    assertEquals("tree 1 does not match tree 0 at <root>: expected Frozen with static data {bias=None, tag=1}"
            + " but found static data that prints the same and differs in 'tag': they differ in type (expected"
            + " Integer, found Long)\n"
            + "  both structures print as: PyTreeDef(Frozen(kernel=*, bias=None, tag=1))",
        e.getMessage());
  }

  @Test
  void staticValuesThatPrintTheSameSayTheyCompareByIdentity() {
    Frozen a = new Frozen(x, null, new Named("config"));
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> PyTrees.map((p, q) -> p, a, a.withTag(new Named("config"))));
    assertEquals("tree 1 does not match tree 0 at <root>: expected Frozen with static data {bias=None,"
            + " tag=config} but found static data that prints the same and differs in 'tag': they are two Named"
            + " instances, and Named compares by identity (it does not override equals): static data must be the"
            + " same object, or a value with equals\n"
            + "  both structures print as: PyTreeDef(Frozen(kernel=*, bias=None, tag=config))",
        e.getMessage());
  }

  @Test
  void staticValuesThatPrintTheSameSayEqualsFindsThemDifferent() {
    Frozen a = new Frozen(x, null, new Versioned("config", 1));
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> PyTrees.map((p, q) -> p, a, a.withTag(new Versioned("config", 2))));
    assertEquals("tree 1 does not match tree 0 at <root>: expected Frozen with static data {bias=None,"
            + " tag=config} but found static data that prints the same and differs in 'tag': they are two"
            + " Versioned values that Versioned.equals finds different, though their toString is the same\n"
            + "  both structures print as: PyTreeDef(Frozen(kernel=*, bias=None, tag=config))",
        e.getMessage());
  }

  /** A value that prints its name only and compares by identity. */
  private static final class Named {
    private final String name;

    Named(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A value that prints its name only but compares name and version. */
  private record Versioned(String name, int version) {
    @Override
    public String toString() {
      return name;
    }
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
