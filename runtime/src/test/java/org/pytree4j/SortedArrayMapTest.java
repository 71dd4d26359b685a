package org.pytree4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The dicts unflattening builds behave as an unmodifiable TreeMap of the same entries. */
class SortedArrayMapTest {

  private static final TreeMap<String, Object> REFERENCE = new TreeMap<>(Map.of("b", 2, "d", 4, "f", 6, "h", 8));

  private static SortedMap<String, Object> built() {
    Flattened flat = PyTrees.flatten(REFERENCE);
    SortedMap<String, Object> map = flat.treeDef().unflatten(flat.leaves());
    assertInstanceOf(SortedArrayMap.class, map);
    return map;
  }

  @Test
  void readsLikeATreeMap() {
    SortedMap<String, Object> map = built();
    assertEquals(REFERENCE, map);
    assertEquals(map, REFERENCE);
    assertEquals(REFERENCE.hashCode(), map.hashCode());
    assertEquals(REFERENCE.toString(), map.toString());
    assertEquals(new ArrayList<>(REFERENCE.keySet()), new ArrayList<>(map.keySet()));
    assertEquals(new ArrayList<>(REFERENCE.values()), new ArrayList<>(map.values()));
    for (String key : List.of("a", "b", "c", "d", "h", "z")) {
      assertEquals(REFERENCE.get(key), map.get(key), key);
      assertEquals(REFERENCE.containsKey(key), map.containsKey(key), key);
    }
    assertNull(map.get(3));
    assertEquals("b", map.firstKey());
    assertEquals("h", map.lastKey());
    assertSame(PyTrees.keyOrder(), map.comparator());
  }

  @Test
  void rangesAreThoseOfATreeMap() {
    SortedMap<String, Object> map = built();
    for (String from : List.of("a", "b", "c", "f", "z")) {
      assertEquals(REFERENCE.tailMap(from), map.tailMap(from), "tail " + from);
      assertEquals(REFERENCE.headMap(from), map.headMap(from), "head " + from);
      for (String to : List.of("b", "e", "f", "z")) {
        if (from.compareTo(to) <= 0) {
          assertEquals(REFERENCE.subMap(from, to), map.subMap(from, to), from + ".." + to);
        }
      }
    }
    assertEquals(REFERENCE.subMap("c", "g").headMap("f"), map.subMap("c", "g").headMap("f"));
    assertEquals("d", map.tailMap("c").firstKey());
    assertThrows(NoSuchElementException.class, () -> map.headMap("a").firstKey());
    assertThrows(IllegalArgumentException.class, () -> map.subMap("f", "b"));
  }

  @Test
  void rejectsEveryChange() {
    SortedMap<String, Object> map = built();
    assertThrows(UnsupportedOperationException.class, () -> map.put("a", 1));
    assertThrows(UnsupportedOperationException.class, () -> map.remove("b"));
    assertThrows(UnsupportedOperationException.class, map::clear);
    assertThrows(UnsupportedOperationException.class, () -> map.entrySet().iterator().next().setValue(0));
    assertThrows(UnsupportedOperationException.class, () -> map.keySet().remove("b"));
    assertThrows(UnsupportedOperationException.class, () -> map.values().clear());
    assertTrue(map.equals(REFERENCE));
  }
}
