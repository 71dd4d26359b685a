package org.pytree4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;

/** Values that cannot stand where they are: each error names the key path, never a deep stack trace. */
class InvalidTreeTest {
  private final INDArray x = Nd4j.createFromArray(1.0);

  @Test
  void nonStringMapKeyNamesThePathOfTheMap() {
    Map<String, Object> tree = Map.of("outer", List.of(Map.of(7, x)));
    InvalidTreeException e = assertThrows(InvalidTreeException.class, () -> PyTrees.flatten(tree));
    assertEquals("['outer'][0]", e.path().keystr());
    assertEquals("cannot flatten tree at ['outer'][0]: map keys must be Strings (as in a Flax FrozenDict) but"
        + " found key 7 of type java.lang.Integer", e.getMessage());
  }

  @Test
  void leafOfTheWrongTypeForARecordComponentNamesThePathDownToIt() {
    Map<String, Object> tree = Map.of("params", new Mlp(new Dense(x, x), new Dense(x, x), "relu"));
    Flattened flat = PyTrees.flatten(tree);
    List<Object> leaves = new ArrayList<>(flat.leaves());
    leaves.set(3, 3L);
    InvalidTreeException e = assertThrows(InvalidTreeException.class, () -> flat.treeDef().unflatten(leaves));
    assertEquals("['params'].out.bias", e.path().keystr());
    assertEquals("cannot unflatten " + flat.treeDef() + " at ['params'].out.bias: component 'bias' of Dense must"
        + " be INDArray but got Long 3", e.getMessage());
  }

  @Test
  void functionThatCannotTakeALeafNamesThePath() {
    Map<String, Object> tree = Map.of("a", x, "b", List.of(x, "oops"));
    InvalidTreeException e = assertThrows(InvalidTreeException.class,
        () -> PyTrees.map((INDArray leaf) -> leaf.mul(2), tree));
    assertEquals("['b'][1]", e.path().keystr());
    assertInstanceOf(ClassCastException.class, e.getCause());
    assertTrue(e.getMessage().startsWith(
        "the function threw ClassCastException on the leaf at ['b'][1] (java.lang.String): "), e.getMessage());
  }

  @Test
  void invalidSecondTreeOfAMapNamesThePath() {
    InvalidTreeException e = assertThrows(InvalidTreeException.class,
        () -> PyTrees.map((p, q) -> p, Map.of("m", Map.of("k", 1)), Map.of("m", Map.of(1, 1))));
    assertEquals("['m']", e.path().keystr());
    assertTrue(e.getMessage().startsWith("tree 1 does not match tree 0 at ['m']: map keys must be Strings"),
        e.getMessage());
  }
}
