package org.pytree4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;

/** Key paths print as {@code jax.tree_util.keystr} does, and in a simple form for file names. */
class KeyPathTest {
  private final INDArray x = Nd4j.createFromArray(1.0);

  @Test
  void dictKeysPrintAsSubscripts() {
    Map<String, Object> tree = Map.of("params", Map.of("dense", Map.of("kernel", x)));
    KeyPath path = PyTrees.leavesWithPath(tree).get(0).path();
    assertEquals("['params']['dense']['kernel']", path.keystr());
    assertEquals("params/dense/kernel", path.simple());
    assertEquals("params.dense.kernel", path.simple("."));
  }

  @Test
  void recordComponentsPrintAsAttributes() {
    Mlp mlp = new Mlp(new Dense(x, x), new Dense(x, x), "relu");
    List<LeafWithPath> leaves = PyTrees.leavesWithPath(mlp);
    assertEquals(List.of(".hidden.kernel", ".hidden.bias", ".out.kernel", ".out.bias"),
        leaves.stream().map(leaf -> leaf.path().keystr()).toList());
    assertEquals("hidden/kernel", leaves.get(0).path().simple());
  }

  @Test
  void sequencePositionsPrintAsIndices() {
    List<LeafWithPath> leaves = PyTrees.leavesWithPath(Arrays.asList(x, null, List.of(x)));
    assertEquals("[0]", leaves.get(0).path().keystr());
    assertEquals("[2][0]", leaves.get(1).path().keystr());
    assertEquals("2/0", leaves.get(1).path().simple());
  }

  @Test
  void mixedPaths() {
    Map<String, Object> tree = Map.of("params", new Mlp(new Dense(x, x), new Dense(x, x), "relu"),
        "history", List.of(x));
    List<String> keystrs = PyTrees.leavesWithPath(tree).stream().map(leaf -> leaf.path().keystr()).toList();
    assertEquals(List.of("['history'][0]", "['params'].hidden.kernel", "['params'].hidden.bias",
        "['params'].out.kernel", "['params'].out.bias"), keystrs);
  }

  @Test
  void rootPath() {
    KeyPath root = PyTrees.leavesWithPath(x).get(0).path();
    assertSame(KeyPath.root(), root);
    assertEquals("", root.keystr());
    assertEquals("", root.simple());
    assertEquals("<root>", root.describe());
    assertTrue(root.isRoot());
    assertSame(root, root.parent());
  }

  @Test
  void quotesInKeysAreEscapedAsPythonWould() {
    assertEquals("['it\\'s']", KeyPath.root().dict("it's").keystr());
    assertEquals("['a\\\\b']", KeyPath.root().dict("a\\b").keystr());
    assertEquals("it's", KeyPath.root().dict("it's").simple());
  }

  @Test
  void valueEqualityAndStructure() {
    KeyPath built = KeyPath.root().dict("params").attr("hidden").index(0);
    KeyPath same = KeyPath.of(new KeyEntry.DictKey("params"), new KeyEntry.GetAttrKey("hidden"),
        new KeyEntry.SequenceKey(0));
    assertEquals(built, same);
    assertEquals(built.hashCode(), same.hashCode());
    assertEquals(built, KeyPath.of(built.entries()));
    assertNotEquals(built, KeyPath.root().dict("params").dict("hidden").index(0));
    assertNotEquals(built, built.parent());
    assertEquals(3, built.size());
    assertEquals(new KeyEntry.SequenceKey(0), built.last());
    assertEquals("['params'].hidden", built.parent().keystr());
    assertEquals("['params'].hidden[0]", built.toString());
    assertEquals("['params'].hidden[0]", built.describe());
  }
}
