package org.pytree4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.examples.Bare;
import org.pytree4j.examples.BarePyTree;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.DensePyTree;
import org.pytree4j.examples.Mlp;
import org.pytree4j.examples.MlpPyTree;
import org.pytree4j.examples.Pair;
import org.pytree4j.examples.PairPyTree;
import org.pytree4j.examples.Pair_InnerPyTree;

/** What the generated companions give a record: withers, replace, builders, typed flatten, node type. */
class RecordCompanionTest {
  private final INDArray k = Nd4j.createFromArray(1.0, 2.0);
  private final INDArray b = Nd4j.createFromArray(0.5);
  private final INDArray k2 = Nd4j.createFromArray(3.0, 4.0);
  private final Dense dense = new Dense(k, b);
  private final Mlp mlp = new Mlp(dense, new Dense(k2, b), "relu");

  @Test
  void withersReturnACopyAndLeaveTheOriginalUntouched() {
    Dense changed = dense.withKernel(k2);
    assertSame(k2, changed.kernel());
    assertSame(b, changed.bias());
    assertSame(k, dense.kernel());
    assertSame(b, dense.bias());

    Mlp tanh = mlp.withActivation("tanh");
    assertEquals("tanh", tanh.activation());
    assertEquals("relu", mlp.activation());
    assertSame(mlp.hidden(), tanh.hidden());
  }

  @Test
  void replaceChangesOnlyWhatTheEditsSet() {
    Dense replaced = dense.replace(builder -> builder.kernel(k2).bias(null));
    assertSame(k2, replaced.kernel());
    assertNull(replaced.bias());
    assertSame(k, dense.kernel());
    assertSame(b, dense.bias());

    Mlp swapped = mlp.replace(builder -> builder.hidden(mlp.out()).out(mlp.hidden()));
    assertSame(mlp.out(), swapped.hidden());
    assertSame(mlp.hidden(), swapped.out());
    assertEquals("relu", swapped.activation());
    assertSame(dense, mlp.hidden());
  }

  @Test
  void toBuilderIsAnIndependentCopy() {
    DensePyTree.Builder builder = dense.toBuilder();
    Dense first = builder.build();
    builder.kernel(k2);
    Dense second = builder.build();
    assertEquals(dense, first);
    assertNotSame(dense, first);
    assertSame(k2, second.kernel());
    assertSame(k, first.kernel());
    assertSame(k, dense.kernel());
  }

  @Test
  void builderStartsEmpty() {
    Dense empty = DensePyTree.builder().build();
    assertNull(empty.kernel());
    assertNull(empty.bias());
    Pair<String, Integer> pair = PairPyTree.<String, Integer>builder().first("x").second(2).build();
    assertEquals(new Pair<>("x", 2, 0L), pair);
  }

  @Test
  void genericRecordWithers() {
    Pair<String, Integer> pair = new Pair<>("a", 1, 7L);
    Pair<String, Integer> next = pair.withSecond(2).withCount(8L);
    assertEquals(new Pair<>("a", 2, 8L), next);
    assertEquals(new Pair<>("a", 1, 7L), pair);
    Pair<String, Integer> replaced = pair.replace(builder -> builder.first("b"));
    assertEquals("b", replaced.first());
    assertEquals("a", pair.first());
  }

  @Test
  void staticComponentsAreStructureNotLeaves() {
    Flattened flat = MlpPyTree.flatten(mlp);
    assertEquals(List.of(k, b, k2, b), flat.leaves());
    assertEquals("PyTreeDef(Mlp(hidden=Dense(kernel=*, bias=*), out=Dense(kernel=*, bias=*), activation='relu'))",
        flat.treeDef().toString());
    assertEquals(List.of("hidden", "out"), MlpPyTree.nodeType().childNames());
    assertEquals(List.of("activation"), MlpPyTree.nodeType().staticNames());
    RecordNodeType.StaticFields statics = (RecordNodeType.StaticFields) flat.treeDef().auxData();
    assertEquals("relu", statics.get("activation"));
    assertEquals(List.of("activation"), statics.names());
    assertEquals(List.of("relu"), statics.values());
  }

  @Test
  void typedUnflattenRebuildsTheRecord() {
    Flattened flat = MlpPyTree.flatten(mlp);
    Mlp rebuilt = MlpPyTree.unflatten(flat.treeDef(), List.of(k2, b, k, b));
    assertSame(k2, rebuilt.hidden().kernel());
    assertSame(k, rebuilt.out().kernel());
    assertEquals("relu", rebuilt.activation());

    Pair<String, Integer> pair = PairPyTree.unflatten(PairPyTree.flatten(new Pair<>("a", 1, 7L)).treeDef(),
        List.of("z", 9, 3L));
    assertEquals(new Pair<>("z", 9, 3L), pair);
  }

  @Test
  void typedUnflattenRejectsAStructureWithAnotherRoot() {
    TreeDef denseDef = DensePyTree.flatten(dense).treeDef();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MlpPyTree.unflatten(denseDef, List.of(k, b)));
    assertEquals("expected a structure with Mlp at its root but got PyTreeDef(Dense(kernel=*, bias=*))",
        e.getMessage());
  }

  @Test
  void primitiveComponentsAreBoxedLeaves() {
    FlattenedWithPath flat = PairPyTree.flattenWithPath(new Pair<>("a", 1.5, 7L));
    assertEquals(3, flat.leaves().size());
    assertEquals(".count", flat.leaves().get(2).path().keystr());
    assertEquals(7L, flat.leaves().get(2).leaf());
    assertEquals(".first", flat.leaves().get(0).path().keystr());
  }

  @Test
  void primitiveComponentCannotBeRebuiltFromNone() {
    TreeDef def = PairPyTree.flatten(new Pair<>("a", 1, 7L)).treeDef();
    InvalidTreeException e = assertThrows(InvalidTreeException.class,
        () -> def.unflatten(java.util.Arrays.asList("a", 1, null)));
    assertEquals(".count", e.path().keystr());
    assertTrue(e.getMessage().contains("component 'count' of Pair is a long and cannot be None (null)"),
        e.getMessage());
  }

  @Test
  void nestedRecordCompanion() {
    Pair.Inner inner = new Pair.Inner(List.of(k));
    assertEquals(new Pair.Inner("x"), inner.withValue("x"));
    assertEquals("PyTreeDef(Inner(value=[*]))", Pair_InnerPyTree.flatten(inner).treeDef().toString());
    assertSame(Pair_InnerPyTree.nodeType(), inner.pyTreeNodeType());
  }

  @Test
  void stateDictKeysAreSnakeCase() {
    TreeDef def = PyTrees.structure(new org.pytree4j.train.TrainState<>(3L, null, k, null, null));
    assertEquals(List.of("step", "params", "opt_state"),
        List.of(def.stateDictKey(0), def.stateDictKey(1), def.stateDictKey(2)));
    assertEquals(".optState", def.childKey(2).toString());
  }

  @Test
  void recordWithoutWithIsFoundThroughItsAnnotation() {
    Bare bare = new Bare(k, 2);
    assertFalse(((Object) bare) instanceof CustomNode);

    Flattened flat = PyTrees.flatten(bare);
    assertEquals(List.of(k), flat.leaves());
    assertEquals("PyTreeDef(Bare(weight=*, size=2))", flat.treeDef().toString());
    assertSame(BarePyTree.nodeType(), flat.treeDef().nodeType());

    Bare rebuilt = flat.treeDef().unflatten(List.of(k2));
    assertEquals(new Bare(k2, 2), rebuilt);
    assertEquals("[0].weight", PyTrees.leavesWithPath(List.of(bare)).get(0).path().keystr());
    assertEquals(new Bare(k2, 3), BarePyTree.builder().weight(k2).size(3).build());
  }
}
