package org.pytree4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** flatten/unflatten on random trees: same structure, the very same leaves, and paths that lead to them. */
class FlattenRoundTripTest {
  private static final int SEEDS = 300;
  private static final int DEPTH = 4;

  @Test
  void unflattenRebuildsTheSameTreeFromTheSameLeaves() {
    for (long seed = 0; seed < SEEDS; seed++) {
      Object tree = new RandomTrees(seed, seed).tree(DEPTH);
      Flattened flat = PyTrees.flatten(tree);
      Object rebuilt = flat.unflatten();

      FlattenedWithPath again = PyTrees.flattenWithPath(rebuilt);
      assertEquals(flat.treeDef(), again.treeDef(), "seed " + seed);
      assertEquals(flat.treeDef().hashCode(), again.treeDef().hashCode(), "seed " + seed);
      assertEquals(flat.treeDef().numLeaves(), flat.leaves().size(), "seed " + seed);
      assertEquals(flat.leaves().size(), again.leaves().size(), "seed " + seed);
      for (int i = 0; i < flat.leaves().size(); i++) {
        assertSameLeaf(flat.leaves().get(i), again.leaves().get(i).leaf(), rebuilt, again.leaves().get(i).path(), seed);
      }
      assertEquals(tree, rebuilt, "seed " + seed);
    }
  }

  @Test
  void everyLeafPathLeadsToItsLeafInTheOriginalTree() {
    for (long seed = 0; seed < SEEDS; seed++) {
      Object tree = new RandomTrees(seed, seed).tree(DEPTH);
      FlattenedWithPath flat = PyTrees.flattenWithPath(tree);
      assertEquals(PyTrees.structure(tree), flat.treeDef(), "seed " + seed);
      for (LeafWithPath leaf : flat.leaves()) {
        assertSameLeaf(leaf.leaf(), follow(tree, leaf.path()), tree, leaf.path(), seed);
      }
    }
  }

  @Test
  void structureDependsOnShapeNotOnLeafValues() {
    for (long seed = 0; seed < SEEDS; seed++) {
      TreeDef first = PyTrees.structure(new RandomTrees(seed, 1).tree(DEPTH));
      TreeDef second = PyTrees.structure(new RandomTrees(seed, 2).tree(DEPTH));
      assertEquals(first, second, "seed " + seed);
      assertEquals(first.hashCode(), second.hashCode(), "seed " + seed);
      assertEquals(first.toString(), second.toString(), "seed " + seed);
    }
  }

  @Test
  void differentShapesAlmostAlwaysGiveDifferentStructures() {
    int distinct = 0;
    for (long seed = 0; seed < SEEDS; seed++) {
      TreeDef a = PyTrees.structure(new RandomTrees(seed, 0).tree(DEPTH));
      TreeDef b = PyTrees.structure(new RandomTrees(seed + SEEDS, 0).tree(DEPTH));
      if (!a.toString().equals(b.toString())) {
        assertNotEquals(a, b, "seeds " + seed + ", " + (seed + SEEDS));
        distinct++;
      } else {
        assertEquals(a, b);
      }
    }
    // Guards the generator itself: it must not produce the same few shapes over and over.
    org.junit.jupiter.api.Assertions.assertTrue(distinct > SEEDS / 2, "only " + distinct + " distinct pairs");
  }

  @Test
  void generatorCoversEveryKindOfNodeAndLeaf() {
    java.util.Set<String> seen = new java.util.TreeSet<>();
    for (long seed = 0; seed < SEEDS; seed++) {
      Object tree = new RandomTrees(seed, seed).tree(DEPTH);
      collectKinds(PyTrees.structure(tree), seen);
      for (Object leaf : PyTrees.leaves(tree)) {
        seen.add("leaf " + leaf.getClass().getSimpleName());
      }
    }
    assertEquals(new java.util.TreeSet<>(List.of("DICT", "SEQUENCE", "NONE", "LEAF", "Dense", "Mlp", "Pair",
        "Inner", "Bare", "leaf NDArray", "leaf Integer", "leaf Long", "leaf Double", "leaf Boolean",
        "leaf String")), seen);
  }

  private static void collectKinds(TreeDef def, java.util.Set<String> seen) {
    seen.add(def.kind() == TreeDef.Kind.NODE ? def.nodeType().name() : def.kind().name());
    for (TreeDef child : def.children()) {
      collectKinds(child, seen);
    }
  }

  @Test
  void mapWithIdentityKeepsStructureAndLeaves() {
    for (long seed = 0; seed < SEEDS; seed += 3) {
      Object tree = new RandomTrees(seed, seed).tree(DEPTH);
      Object mapped = PyTrees.map(x -> x, tree);
      assertEquals(PyTrees.structure(tree), PyTrees.structure(mapped), "seed " + seed);
      assertEquals(PyTrees.leaves(tree), PyTrees.leaves(mapped), "seed " + seed);
      List<LeafWithPath> before = PyTrees.leavesWithPath(tree);
      List<Object> after = PyTrees.leaves(mapped);
      for (int i = 0; i < after.size(); i++) {
        assertSameLeaf(before.get(i).leaf(), after.get(i), tree, before.get(i).path(), seed);
      }
    }
  }

  /**
   * The same object, except at a primitive record component: a {@code long count} is boxed afresh on
   * every read, so there only the value can be the same.
   */
  private static void assertSameLeaf(Object expected, Object actual, Object tree, KeyPath path, long seed) {
    String where = "seed " + seed + " at " + path.describe();
    if (isPrimitiveComponent(tree, path)) {
      assertEquals(expected, actual, where);
    } else {
      assertSame(expected, actual, where);
    }
  }

  private static boolean isPrimitiveComponent(Object tree, KeyPath path) {
    if (!(path.last() instanceof KeyEntry.GetAttrKey attr)) {
      return false;
    }
    Object owner = follow(tree, path.parent());
    for (RecordComponent component : owner.getClass().getRecordComponents()) {
      if (component.getName().equals(attr.name())) {
        return component.getType().isPrimitive();
      }
    }
    throw new AssertionError(owner.getClass() + " has no component " + attr.name());
  }

  /** Walks a key path by hand, independently of the library: map get, list index, record accessor. */
  private static Object follow(Object tree, KeyPath path) {
    Object node = tree;
    for (KeyEntry entry : path.entries()) {
      if (entry instanceof KeyEntry.DictKey key) {
        node = ((Map<?, ?>) node).get(key.key());
      } else if (entry instanceof KeyEntry.SequenceKey index) {
        node = ((List<?>) node).get(index.index());
      } else {
        node = component(node, ((KeyEntry.GetAttrKey) entry).name());
      }
    }
    return node;
  }

  private static Object component(Object record, String name) {
    for (RecordComponent component : record.getClass().getRecordComponents()) {
      if (component.getName().equals(name)) {
        try {
          return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(e);
        }
      }
    }
    throw new AssertionError(record.getClass() + " has no component " + name);
  }
}
