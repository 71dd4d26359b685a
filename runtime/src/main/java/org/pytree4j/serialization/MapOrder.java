package org.pytree4j.serialization;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;

/**
 * Which maps have an order of their own, which serialization keeps as Python keeps a dict's
 * insertion order: sorted maps (in their comparator's order), {@code LinkedHashMap}s, the dicts
 * serialization itself returns, and on Java 21 and later every {@code SequencedMap}. Any other map
 * ({@code HashMap}, {@code Map.of}) has no dependable order and is written with its keys sorted as
 * JAX sorts them ({@link org.pytree4j.PyTrees#keyOrder()}), so its bytes never depend on hashing.
 */
final class MapOrder {
  /** {@code java.util.SequencedMap} on Java 21+, else null. */
  private static final Class<?> SEQUENCED_MAP = sequencedMap();

  private MapOrder() {}

  static boolean hasOwnOrder(Map<?, ?> map) {
    return map instanceof SortedMap<?, ?>
        || map instanceof LinkedHashMap<?, ?>
        || map instanceof InsertionOrderedMap
        || (SEQUENCED_MAP != null && SEQUENCED_MAP.isInstance(map));
  }

  private static Class<?> sequencedMap() {
    try {
      return Class.forName("java.util.SequencedMap");
    } catch (ClassNotFoundException e) {
      return null; // Java 17 to 20
    }
  }
}
