package org.pytree4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Dict keys are ordered by code point, as Python's {@code sorted} and JAX order them. */
class KeyOrderTest {
  /** Python: sorted(['😀', '\ufffd', 'z', 'é', '\ud7ff', '\ue000', 'a😀', 'a']). */
  private static final List<String> PYTHON_SORTED =
      List.of("a", "a\uD83D\uDE00", "z", "\u00e9", "\ud7ff", "\ue000", "\ufffd", "\uD83D\uDE00");

  @Test
  void theOrderIsPythonsNotStringCompareTos() {
    List<String> keys = new ArrayList<>(PYTHON_SORTED);
    Collections.reverse(keys);
    keys.sort(PyTrees.keyOrder());
    assertEquals(PYTHON_SORTED, keys);
    assertTrue("\uD83D\uDE00".compareTo("\ufffd") < 0, "String.compareTo puts the emoji first");
    assertTrue(PyTrees.keyOrder().compare("\uD83D\uDE00", "\ufffd") > 0, "Python puts it last");
  }

  @Test
  void stringsWithoutSurrogatePairsSortAsCompareToSortsThem() {
    List<String> keys = new ArrayList<>(List.of("b", "\ufffd", "a", "\ud83d", "\ue000"));
    List<String> byCompareTo = new ArrayList<>(keys);
    byCompareTo.sort(null);
    keys.sort(PyTrees.keyOrder());
    assertEquals(byCompareTo, keys, "an unpaired surrogate is its own code point, as in Python");
  }

  @Test
  void agreesWithComparingCodePointsOnRandomStrings() {
    Random random = new Random(11);
    for (int trial = 0; trial < 20_000; trial++) {
      String a = randomString(random);
      String b = randomString(random);
      int expected = Integer.signum(compareCodePoints(a, b));
      assertEquals(expected, Integer.signum(PyTrees.keyOrder().compare(a, b)), "seed 11 trial " + trial + ": " + a + " vs " + b);
    }
  }

  @Test
  void everyKindOfMapFlattensInPythonsOrder() {
    Map<String, Object> hash = new HashMap<>();
    Map<String, Object> linked = new LinkedHashMap<>();
    TreeMap<String, Object> natural = new TreeMap<>();
    for (String key : PYTHON_SORTED) {
      hash.put(key, key);
      natural.put(key, key);
    }
    List<String> reversed = new ArrayList<>(PYTHON_SORTED);
    Collections.reverse(reversed);
    reversed.forEach(k -> linked.put(k, k));
    for (Map<String, Object> map : List.of(hash, linked, natural)) {
      assertEquals(PYTHON_SORTED, PyTrees.leaves(map), map.getClass().getSimpleName());
      assertEquals(PYTHON_SORTED, PyTrees.structure(map).dictKeys(), map.getClass().getSimpleName());
    }
  }

  @Test
  void unflattenedDictsAreSortedMapsOfThatOrder() {
    Map<String, Object> tree = PyTrees.map((String s) -> s + "!", Map.of("\uD83D\uDE00", "e", "\ufffd", "r"));
    SortedMap<String, Object> sorted = (SortedMap<String, Object>) tree;
    assertEquals(List.of("\ufffd", "\uD83D\uDE00"), new ArrayList<>(sorted.keySet()));
    assertEquals("e!", sorted.get("\uD83D\uDE00"));
    assertEquals("r!", sorted.get("\ufffd"));
    assertEquals(Map.of("\ufffd", "r!"), sorted.headMap("\uD83D\uDE00"));
    assertEquals(PyTrees.keyOrder(), sorted.comparator());
  }

  @Test
  void treeDefDictNeedsKeysInThatOrder() {
    TreeDef.dict(List.of("\ufffd", "\uD83D\uDE00"), List.of(TreeDef.leaf(), TreeDef.leaf()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TreeDef.dict(List.of("\uD83D\uDE00", "\ufffd"), List.of(TreeDef.leaf(), TreeDef.leaf())));
    assertTrue(e.getMessage().startsWith("dict keys must be sorted and distinct"), e.getMessage());
  }

  private static int compareCodePoints(String a, String b) {
    int[] x = a.codePoints().toArray();
    int[] y = b.codePoints().toArray();
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] != y[i]) {
        return Integer.compare(x[i], y[i]);
      }
    }
    return Integer.compare(x.length, y.length);
  }

  private static String randomString(Random random) {
    StringBuilder sb = new StringBuilder();
    int length = random.nextInt(4);
    int[] starts = {'a', 0xd700, 0xe000, 0xfff0, 0x1f600, 0x10000, 0xd83d, 0xde00}; // the last two unpaired
    for (int i = 0; i < length; i++) {
      int start = starts[random.nextInt(starts.length)];
      if (Character.isSurrogate((char) start)) {
        sb.append((char) (start + random.nextInt(3)));
      } else {
        sb.appendCodePoint(start + random.nextInt(3));
      }
    }
    return sb.toString();
  }
}
