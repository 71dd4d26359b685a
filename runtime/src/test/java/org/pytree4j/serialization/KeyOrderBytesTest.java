package org.pytree4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.PyTrees;
import org.pytree4j.train.TrainState;

/**
 * Flax writes a dict's keys in the dict's own order; make_fixtures.py's ordered() and unicode_keys()
 * fixtures hold dicts in insertion order and in JAX's sorted order. Restored and written again they
 * give Flax's bytes back, byte for byte.
 */
class KeyOrderBytesTest {
  /** make_fixtures.py's UNICODE_KEYS, in that order. */
  private static final List<String> UNICODE_KEYS = List.of("\uD83D\uDE00", "\ufffd", "b", "a", "\u00e9", "\ue000");

  private static Map<String, Object> layer(int fanIn, int fanOut) {
    return Map.of("kernel", Nd4j.zeros(DataType.FLOAT, fanIn, fanOut), "bias", Nd4j.zeros(DataType.FLOAT, fanOut));
  }

  /** {'encoder': f32[2, 3] layer, 'decoder': f32[3, 2] layer}, in a map with no order of its own. */
  private static Map<String, Object> model() {
    return Map.of("encoder", layer(2, 3), "decoder", layer(3, 2));
  }

  private static TrainState<Map<String, Object>> trainStateTarget() {
    return new TrainState<>(0L, TestStates.APPLY, model(), TestStates.TX,
        new ChainLikeState(new EmptyLikeState(), new AdamLikeState(0, model(), model())));
  }

  @Test
  void aFlaxTrainStateWithParamsInCreationOrderWritesBackByteForByte() throws IOException {
    byte[] flax = FlaxFixturesTest.fixture("ordered.msgpack");
    TrainState<Map<String, Object>> restored = Serialization.fromBytes(trainStateTarget(), flax);

    assertEquals(List.of("encoder", "decoder"), new ArrayList<>(restored.params().keySet()), "as saved");
    assertEquals(List.of("kernel", "bias"), keys(restored.params().get("encoder")));
    AdamLikeState adam = (AdamLikeState) ((ChainLikeState) restored.optState()).states().get(1);
    assertEquals(List.of("decoder", "encoder"), new ArrayList<>(adam.mu().keySet()), "JAX-made: sorted");
    assertEquals(List.of("bias", "kernel"), keys(adam.mu().get("encoder")));
    assertEquals(List.of("bias", "kernel"), PyTrees.structure(restored.params().get("encoder")).dictKeys(),
        "as a pytree every dict is sorted, as in JAX");

    assertArrayEquals(flax, Serialization.toBytes(restored));
  }

  @Test
  void theRawStateDictWritesBackByteForByte() throws IOException {
    for (String name : List.of("ordered.msgpack", "unicode_insertion_order.msgpack", "unicode_sorted.msgpack")) {
      byte[] flax = FlaxFixturesTest.fixture(name);
      assertArrayEquals(flax, Serialization.toBytes(Serialization.msgpackRestore(flax)), name);
      assertArrayEquals(flax, Serialization.toBytes(Serialization.toStateDict(Serialization.msgpackRestore(flax))), name);
    }
  }

  @Test
  void insertionOrderedJavaMapsWriteInTheirOrderAndRestoreInIt() throws IOException {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("encoder", linked("kernel", Nd4j.zeros(DataType.FLOAT, 2, 3), "bias", Nd4j.zeros(DataType.FLOAT, 3)));
    params.put("decoder", linked("kernel", Nd4j.zeros(DataType.FLOAT, 3, 2), "bias", Nd4j.zeros(DataType.FLOAT, 2)));
    Map<String, Object> target = linked("step", 0L, "params", params, "opt_state",
        linked("0", Map.of(), "1", linked("count", 0, "mu", model(), "nu", model())));

    byte[] flax = FlaxFixturesTest.fixture("ordered.msgpack");
    Map<String, Object> restored = Serialization.fromBytes(target, flax);
    assertEquals(List.of("step", "params", "opt_state"), keys(restored));
    assertArrayEquals(flax, Serialization.toBytes(restored));
  }

  @Test
  void aTargetWithAnOrderGivesTheRestoredDictItsOrderAsFlaxDoes() throws IOException {
    byte[] flax = FlaxFixturesTest.fixture("unicode_insertion_order.msgpack");
    Map<String, Object> reversed = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>(UNICODE_KEYS);
    Collections.reverse(keys);
    keys.forEach(k -> reversed.put(k, 0f));
    assertEquals(keys, keys(Serialization.fromBytes(reversed, flax)), "flax.serialization._restore_dict iterates the target");

    Map<String, Object> sorted = new TreeMap<>(PyTrees.keyOrder());
    UNICODE_KEYS.forEach(k -> sorted.put(k, 0f));
    Map<String, Object> fromSorted = Serialization.fromBytes(sorted, flax);
    assertEquals(new ArrayList<>(sorted.keySet()), keys(fromSorted));
    assertArrayEquals(FlaxFixturesTest.fixture("unicode_sorted.msgpack"), Serialization.toBytes(fromSorted));

    Map<String, Object> unordered = new HashMap<>(sorted);
    assertEquals(UNICODE_KEYS, keys(Serialization.fromBytes(unordered, flax)), "no order of its own: the saved one");
  }

  @Test
  void mapsWithoutAnOrderOfTheirOwnWriteKeysAsJaxSortsThem() throws IOException {
    Map<String, Object> tags = new HashMap<>();
    for (int i = 0; i < UNICODE_KEYS.size(); i++) {
      tags.put(UNICODE_KEYS.get(i), (float) i);
    }
    byte[] sorted = FlaxFixturesTest.fixture("unicode_sorted.msgpack");
    assertArrayEquals(sorted, Serialization.toBytes(tags), "'\\ufffd' before the emoji, as Python's sorted()");
    assertArrayEquals(sorted, Serialization.toBytes(Map.copyOf(tags)));
    assertArrayEquals(sorted, Serialization.toBytes(PyTrees.map((Float f) -> f, tags)), "the pytree's sorted dict");

    Map<String, Object> inserted = new LinkedHashMap<>();
    UNICODE_KEYS.forEach(k -> inserted.put(k, tags.get(k)));
    assertArrayEquals(FlaxFixturesTest.fixture("unicode_insertion_order.msgpack"), Serialization.toBytes(inserted));
  }

  @Test
  void stateDictsKeepTheOrderTheyWereBuiltIn() {
    Map<String, Object> dict = Serialization.toStateDict(linked("b", 1.0, "a", 2.0));
    assertEquals(List.of("b", "a"), keys(dict));
    assertInstanceOf(InsertionOrderedMap.class, dict);
    assertEquals(List.of("a", "b"), keys(Serialization.toStateDict(Map.of("b", 1.0, "a", 2.0))));
  }

  private static Map<String, Object> linked(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static List<String> keys(Object map) {
    List<String> keys = new ArrayList<>();
    for (Object key : ((Map<?, ?>) map).keySet()) {
      keys.add((String) key);
    }
    return keys;
  }
}
