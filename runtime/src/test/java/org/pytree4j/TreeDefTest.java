package org.pytree4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.DensePyTree;
import org.pytree4j.examples.Mlp;
import org.pytree4j.examples.MlpPyTree;
import org.pytree4j.examples.Pair;

/** TreeDef: value equality, readable toString, its accessors, and unflatten's leaf-count errors. */
class TreeDefTest {
  private final INDArray x = Nd4j.createFromArray(1.0);
  private final INDArray y = Nd4j.createFromArray(2.0);

  @Test
  void toStringLikeJax() {
    assertEquals("PyTreeDef({'a': *, 'b': [*, None]})",
        PyTrees.structure(Map.of("b", Arrays.asList(1, null), "a", 2)).toString());
    assertEquals("PyTreeDef(*)", PyTrees.structure(x).toString());
    assertEquals("PyTreeDef(None)", PyTrees.structure(null).toString());
    assertEquals("PyTreeDef([])", PyTrees.structure(List.of()).toString());
    assertEquals("PyTreeDef({})", PyTrees.structure(Map.of()).toString());
    assertEquals("PyTreeDef(Mlp(hidden=Dense(kernel=*, bias=*), out=Dense(kernel=*, bias=None), activation='relu'))",
        PyTrees.structure(new Mlp(new Dense(x, y), new Dense(x, null), "relu")).toString());
    assertEquals("PyTreeDef(Pair(first={'k': *}, second=*, count=*))",
        PyTrees.structure(new Pair<>(Map.of("k", x), 1, 2L)).toString());
  }

  @Test
  void equalStructuresAreEqualWhateverTheLeavesAndMapImplementation() {
    Map<String, Object> hash = new HashMap<>();
    hash.put("b", List.of(x, y));
    hash.put("a", new Dense(x, y));
    TreeDef first = PyTrees.structure(hash);
    TreeDef second = PyTrees.structure(new java.util.TreeMap<>(Map.of("a", new Dense(y, x), "b", List.of(1, 2))));
    assertEquals(first, second);
    assertEquals(first.hashCode(), second.hashCode());
    assertEquals(first.toString(), second.toString());
  }

  @Test
  void differentStructuresAreNotEqual() {
    TreeDef base = PyTrees.structure(Map.of("a", x, "b", x));
    assertNotEquals(base, PyTrees.structure(Map.of("a", x, "c", x)));
    assertNotEquals(base, PyTrees.structure(Map.of("a", x, "b", List.of(x))));
    assertNotEquals(base, PyTrees.structure(Map.of("a", x)));
    assertNotEquals(PyTrees.structure(List.of(x, x)), PyTrees.structure(List.of(x)));
    assertNotEquals(PyTrees.structure(Arrays.asList(x, null)), PyTrees.structure(Arrays.asList(x, x)));
    assertNotEquals(PyTrees.structure(new Dense(x, y)), PyTrees.structure(Map.of("bias", y, "kernel", x)));
    assertNotEquals(PyTrees.structure(new Dense(x, y)), PyTrees.structure(new Pair.Inner(List.of(x, y))));
  }

  @Test
  void staticDataIsPartOfTheStructure() {
    Mlp relu = new Mlp(new Dense(x, y), new Dense(x, y), "relu");
    TreeDef reluDef = PyTrees.structure(relu);
    assertEquals(reluDef, PyTrees.structure(relu.withHidden(new Dense(y, x))));
    assertNotEquals(reluDef, PyTrees.structure(relu.withActivation("tanh")));
    assertEquals(reluDef.numLeaves(), PyTrees.structure(relu.withActivation("tanh")).numLeaves());
  }

  @Test
  void accessors() {
    TreeDef def = PyTrees.structure(Map.of("layer", new Mlp(new Dense(x, y), new Dense(x, y), "relu"),
        "steps", Arrays.asList(1, null)));
    assertEquals(TreeDef.Kind.DICT, def.kind());
    assertEquals(List.of("layer", "steps"), def.dictKeys());
    assertEquals(5, def.numLeaves());
    assertNull(def.nodeType());
    assertNull(def.auxData());
    assertEquals(new KeyEntry.DictKey("steps"), def.childKey(1));
    assertEquals("steps", def.stateDictKey(1));

    TreeDef layer = def.children().get(0);
    assertEquals(TreeDef.Kind.NODE, layer.kind());
    assertSame(MlpPyTree.nodeType(), layer.nodeType());
    assertEquals(new KeyEntry.GetAttrKey("out"), layer.childKey(1));
    assertEquals(List.of(), layer.dictKeys());

    TreeDef steps = def.children().get(1);
    assertEquals(TreeDef.Kind.SEQUENCE, steps.kind());
    assertEquals(List.of(TreeDef.leaf(), TreeDef.none()), steps.children());
    assertEquals(new KeyEntry.SequenceKey(1), steps.childKey(1));
    assertEquals("1", steps.stateDictKey(1));
    assertEquals(TreeDef.Kind.NONE, steps.children().get(1).kind());
    assertEquals(0, TreeDef.none().numLeaves());
  }

  @Test
  void handBuiltStructuresEqualFlattenedOnes() {
    TreeDef built = TreeDef.dict(List.of("dense", "n"), List.of(
        TreeDef.node(DensePyTree.nodeType(), DensePyTree.nodeType().auxData(new Dense(x, y)),
            List.of(TreeDef.leaf(), TreeDef.leaf())),
        TreeDef.sequence(List.of(TreeDef.leaf(), TreeDef.none()))));
    TreeDef flattened = PyTrees.structure(Map.of("dense", new Dense(x, y), "n", Arrays.asList(1, null)));
    assertEquals(flattened, built);
    assertEquals(flattened.hashCode(), built.hashCode());
    IllegalArgumentException unsorted = assertThrows(IllegalArgumentException.class,
        () -> TreeDef.dict(List.of("b", "a"), List.of(TreeDef.leaf(), TreeDef.leaf())));
    assertEquals("dict keys must be sorted and distinct: [b, a]", unsorted.getMessage());
  }

  @Test
  void unflattenSaysHowManyLeavesItExpectedAndGot() {
    TreeDef def = PyTrees.structure(Map.of("a", x, "b", List.of(x, x)));
    IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class, () -> def.unflatten(List.of(1)));
    assertEquals("too few leaves for PyTreeDef({'a': *, 'b': [*, *]}): expected 3, got 1", tooFew.getMessage());
    IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
        () -> def.unflatten(List.of(1, 2, 3, 4)));
    assertEquals("too many leaves for PyTreeDef({'a': *, 'b': [*, *]}): expected 3, got 4", tooMany.getMessage());
  }

  @Test
  void unflattenBuildsImmutableSortedMapsAndUnmodifiableLists() {
    TreeDef def = PyTrees.structure(Map.of("b", Arrays.asList(x, null), "a", x));
    Map<String, Object> tree = def.unflatten(List.of(1, 2));
    assertEquals(List.of("a", "b"), List.copyOf(tree.keySet()));
    assertEquals(Arrays.asList(2, null), tree.get("b"));
    assertThrows(UnsupportedOperationException.class, () -> tree.put("c", 3));
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) tree.get("b");
    assertThrows(UnsupportedOperationException.class, () -> list.set(0, 5));
  }

  @Test
  void flattenUpToGivesTheSubtreesAtLeafPositions() {
    TreeDef def = PyTrees.structure(Map.of("a", 1, "b", 2));
    List<Object> subtrees = def.flattenUpTo(Map.of("a", List.of(x, y), "b", Map.of("c", x)));
    assertEquals(List.of(List.of(x, y), Map.of("c", x)), subtrees);
  }
}
