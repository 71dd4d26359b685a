package org.pytree4j.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.KeyPath;
import org.pytree4j.TreeMismatchException;
import org.pytree4j.train.TrainState;

class StateDictTest {

  @Test
  void trainStateUsesFlaxKeysAndLeavesOutStaticComponents() {
    TrainState<Map<String, Object>> state = TestStates.trainState(5);
    Map<String, Object> dict = Serialization.toStateDict(state);

    assertEquals(List.of("step", "params", "opt_state"), new ArrayList<>(dict.keySet()));
    assertEquals(5L, dict.get("step"));
    Map<?, ?> opt = (Map<?, ?>) dict.get("opt_state");
    assertEquals(List.of("0", "1"), new ArrayList<>(opt.keySet()));
    assertEquals(Map.of(), opt.get("0"));
    Map<?, ?> adam = (Map<?, ?>) opt.get("1");
    assertEquals(List.of("count", "mu", "nu"), new ArrayList<>(adam.keySet()));
    assertEquals(5, adam.get("count"));
    Map<?, ?> dense = (Map<?, ?>) ((Map<?, ?>) dict.get("params")).get("dense");
    assertSame(((Map<?, ?>) state.params().get("dense")).get("kernel"), dense.get("kernel"));
  }

  @Test
  void listsAreKeyedByPositionAndNoneStaysNone() {
    List<Object> list = Arrays.asList(1.5f, null, List.of(), Map.of());
    Map<String, Object> dict = Serialization.toStateDict(Map.of("xs", list));
    Map<?, ?> xs = (Map<?, ?>) dict.get("xs");
    assertEquals(List.of("0", "1", "2", "3"), new ArrayList<>(xs.keySet()));
    assertEquals(1.5f, xs.get("0"));
    assertTrue(xs.containsKey("1"));
    assertNull(xs.get("1"));
    assertEquals(Map.of(), xs.get("2"));
    assertEquals(Map.of(), xs.get("3"));

    Map<String, Object> back = Serialization.fromStateDict(Map.of("xs", list), dict);
    assertEquals(Map.of("xs", list), back);
  }

  @Test
  void staticComponentsComeFromTheTarget() {
    Tagged saved = new Tagged(Nd4j.create(new float[] {1, 2}, 2), "saved-tag", 0.5, null);
    Map<String, Object> dict = Serialization.toStateDict(saved);
    assertEquals(List.of("weights", "learning_rate", "extra"), new ArrayList<>(dict.keySet()));

    Tagged target = new Tagged(Nd4j.zeros(DataType.FLOAT, 2), "target-tag", 0.0, null);
    Tagged restored = Serialization.fromStateDict(target, dict);
    assertEquals("target-tag", restored.tag());
    assertEquals(0.5, restored.learningRate());
    assertNull(restored.extra());
    assertEquals(saved.weights(), restored.weights());
    assertEquals(0.0, target.learningRate(), "the target is not changed");
  }

  @Test
  void restoresATrainStateIntoANewObject() {
    TrainState<Map<String, Object>> saved = TestStates.trainState(9);
    TrainState<Map<String, Object>> target = TestStates.trainState(0);
    TrainState<Map<String, Object>> restored = Serialization.fromStateDict(target, Serialization.toStateDict(saved));
    assertNotSame(target, restored);
    assertEquals(9L, restored.step());
    assertSame(TestStates.APPLY, restored.applyFn());
    assertSame(TestStates.TX, restored.tx());
    AdamLikeState adam = (AdamLikeState) ((ChainLikeState) restored.optState()).states().get(1);
    assertEquals(9, adam.count());
    assertEquals(TestStates.params(0.25), adam.nu());
    assertEquals(0, ((AdamLikeState) ((ChainLikeState) target.optState()).states().get(1)).count());
  }

  @Test
  void missingKeyNamesPathExpectedAndFoundKeys() {
    Map<String, Object> dict = mutableCopy(Serialization.toStateDict(TestStates.trainState(3)));
    Map<String, Object> adam = chainEntry(dict, "1");
    adam.remove("nu");

    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> Serialization.fromStateDict(TestStates.trainState(0), dict));
    assertEquals(KeyPath.root().dict("opt_state").dict("1"), e.path());
    assertEquals("the state dict does not match the target at ['opt_state']['1']: expected keys"
        + " ['count', 'mu', 'nu'] for AdamLikeState, found ['count', 'mu'] (missing ['nu'])", e.getMessage());
  }

  @Test
  void unexpectedKeyIsAMismatchToo() {
    Map<String, Object> dict = mutableCopy(Serialization.toStateDict(TestStates.trainState(3)));
    chainEntry(dict, "0").put("extra", 1L);
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> Serialization.fromStateDict(TestStates.trainState(0), dict));
    assertEquals("the state dict does not match the target at ['opt_state']['0']: expected keys []"
        + " for EmptyLikeState, found ['extra'] (unexpected ['extra'])", e.getMessage());
  }

  @Test
  void arrayShapeMustMatchTheTarget() {
    Map<String, Object> target = Map.of("w", Nd4j.zeros(DataType.FLOAT, 2, 3));
    Map<String, Object> state = Map.of("w", Nd4j.zeros(DataType.FLOAT, 3, 2));
    TreeMismatchException e = assertThrows(TreeMismatchException.class,
        () -> Serialization.fromStateDict(target, state));
    assertEquals("the state dict does not match the target at ['w']: expected an array of shape [2, 3]"
        + " like the target's float32[2, 3], found float32[3, 2]", e.getMessage());
  }

  @Test
  void leafWhereTheTargetHasADictAndNoneWhereItHasALeaf() {
    Map<String, Object> target = Map.of("a", Map.of("b", 1.0), "c", 2.0);
    TreeMismatchException dictExpected = assertThrows(TreeMismatchException.class,
        () -> Serialization.fromStateDict(target, Map.of("a", 1.0, "c", 2.0)));
    assertEquals("the state dict does not match the target at ['a']: expected a dict with keys ['b']"
        + " for a dict, found Double 1.0", dictExpected.getMessage());

    Map<String, Object> withNone = new LinkedHashMap<>();
    withNone.put("a", Map.of("b", 1.0));
    withNone.put("c", null);
    TreeMismatchException leafExpected = assertThrows(TreeMismatchException.class,
        () -> Serialization.fromStateDict(target, withNone));
    assertEquals(KeyPath.root().dict("c"), leafExpected.path());
    assertTrue(leafExpected.getMessage().contains("expected a leaf like the target's Double 2.0, found None"),
        leafExpected.getMessage());
  }

  @Test
  void numbersConvertToTheTargetLeafType() {
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("count", 0);
    target.put("lr", 0f);
    target.put("step", 0L);
    target.put("scalar", Nd4j.scalar(DataType.INT, 0));
    target.put("flag", false);
    target.put("big", java.math.BigInteger.ZERO);
    Map<String, Object> state = Map.of(
        "big", 5L,
        "count", 7L,                                       // a msgpack int
        "lr", 0.125,                                       // a Python float
        "step", Nd4j.scalar(DataType.INT, 42),             // a jnp int32 array of shape ()
        "scalar", 3L,
        "flag", Nd4j.scalar(DataType.BOOL, 1));
    Map<String, Object> restored = Serialization.fromStateDict(target, state);
    assertEquals(7, restored.get("count"));
    assertEquals(0.125f, restored.get("lr"));
    assertEquals(42L, restored.get("step"));
    INDArray scalar = (INDArray) restored.get("scalar");
    assertEquals(DataType.INT, scalar.dataType());
    assertEquals(0, scalar.rank());
    assertEquals(3, scalar.getInt(0));
    assertEquals(true, restored.get("flag"));
    assertEquals(java.math.BigInteger.valueOf(5), restored.get("big"));
  }

  @Test
  void integersAreNotMadeFromFloatsNorOverflow() {
    InvalidTreeException fromFloat = assertThrows(InvalidTreeException.class,
        () -> Serialization.fromStateDict(Map.of("count", 0), Map.of("count", 1.5)));
    assertEquals("cannot restore ['count']: the target leaf is Integer 0, so the state needs an integer,"
        + " found Double 1.5", fromFloat.getMessage());

    InvalidTreeException overflow = assertThrows(InvalidTreeException.class,
        () -> Serialization.fromStateDict(Map.of("count", 0), Map.of("count", 1L << 40)));
    assertEquals("cannot restore ['count']: 1099511627776 does not fit the target's Integer", overflow.getMessage());
  }

  @Test
  void leafRootsAreNotStateDicts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Serialization.toStateDict(Nd4j.zeros(2)));
    assertTrue(e.getMessage().startsWith("a state dict needs a map, list or @PyTreeNode record at the root"),
        e.getMessage());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> chainEntry(Map<String, Object> dict, String key) {
    return (Map<String, Object>) ((Map<String, Object>) dict.get("opt_state")).get(key);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mutableCopy(Map<String, Object> dict) {
    Map<String, Object> copy = new LinkedHashMap<>();
    dict.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? mutableCopy((Map<String, Object>) m) : v));
    return copy;
  }
}
