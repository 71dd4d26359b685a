package org.pytree4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;

/** Nested replace: {@code PyTrees.replaceAt} by key path, and the generated typed {@code updateX}. */
class ReplaceAtTest {
  private static final Dense HIDDEN = new Dense(Nd4j.ones(2, 3), Nd4j.zeros(3));
  private static final Dense OUT = new Dense(Nd4j.ones(3, 1), Nd4j.zeros(1));

  @Test
  void replacesALeafDeepInMapsListsAndRecords() {
    Map<String, Object> tree = Map.of("params", Map.of("layers", List.of(HIDDEN, OUT)), "step", 3);
    var bias = Nd4j.ones(1);
    KeyPath path = KeyPath.root().dict("params").dict("layers").index(1).attr("bias");
    Map<String, Object> replaced = PyTrees.replaceAt(tree, path, bias);

    @SuppressWarnings("unchecked")
    List<Dense> layers = (List<Dense>) ((Map<?, ?>) replaced.get("params")).get("layers");
    assertSame(bias, layers.get(1).bias());
    assertSame(OUT.kernel(), layers.get(1).kernel(), "the rest is shared");
    assertSame(HIDDEN, layers.get(0), "subtrees off the path are shared");
    assertEquals(3, replaced.get("step"));
    assertSame(OUT.bias(), ((Dense) ((List<?>) ((Map<?, ?>) tree.get("params")).get("layers")).get(1)).bias(),
        "the tree is unchanged");
    assertEquals(PyTrees.structure(tree), PyTrees.structure(replaced));
  }

  @Test
  void replacesWholeSubtreesAndTheRoot() {
    Mlp mlp = new Mlp(HIDDEN, OUT, "tanh");
    Mlp swapped = PyTrees.replaceAt(mlp, KeyPath.root().attr("out"), HIDDEN);
    assertEquals(new Mlp(HIDDEN, HIDDEN, "tanh"), swapped);
    assertSame(OUT, PyTrees.<Object>replaceAt(mlp, KeyPath.root(), OUT));
  }

  @Test
  void aPathThatLeavesTheTreeIsNamed() {
    Map<String, Object> tree = Map.of("params", Map.of("dense", HIDDEN));
    TreeMismatchException missing = assertThrows(TreeMismatchException.class,
        () -> PyTrees.replaceAt(tree, KeyPath.root().dict("params").dict("dense2"), HIDDEN));
    assertEquals("cannot replace at ['params']['dense2']: ['params'] (dict with keys ['dense']) has no child"
        + " ['dense2']; its children are [['dense']]", missing.getMessage());
    assertEquals(KeyPath.root().dict("params").dict("dense2"), missing.path());

    TreeMismatchException leaf = assertThrows(TreeMismatchException.class,
        () -> PyTrees.replaceAt(tree, KeyPath.root().dict("params").dict("dense").attr("bias").index(0), 1));
    assertEquals(KeyPath.root().dict("params").dict("dense").attr("bias"), leaf.path());
  }

  @Test
  void aRecordThatCannotHoldTheValueIsNamed() {
    Mlp mlp = new Mlp(HIDDEN, OUT, "tanh");
    InvalidTreeException e = assertThrows(InvalidTreeException.class,
        () -> PyTrees.replaceAt(mlp, KeyPath.root().attr("hidden"), "not a layer"));
    assertEquals(KeyPath.root().attr("hidden"), e.path());
  }

  /** The generated nested replace: each level's updateX takes a function of the component. */
  @Test
  void generatedUpdatersReplaceNestedFields() {
    Mlp mlp = new Mlp(HIDDEN, OUT, "tanh");
    var kernel = Nd4j.zeros(2, 3);
    Mlp replaced = mlp.updateHidden(h -> h.withKernel(kernel));
    assertSame(kernel, replaced.hidden().kernel());
    assertSame(HIDDEN.bias(), replaced.hidden().bias());
    assertSame(OUT, replaced.out());
    assertSame(HIDDEN.kernel(), mlp.hidden().kernel(), "the record is unchanged");
    assertEquals("relu", mlp.updateActivation(a -> "relu").activation());
  }
}
