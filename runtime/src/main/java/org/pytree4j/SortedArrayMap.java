package org.pytree4j;

import java.io.Serializable;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;

/**
 * The unmodifiable dicts that unflattening builds: String keys in code-point order ({@link
 * PyTrees#keyOrder()}, as JAX sorts a dict's keys) and their values,
 * held in two arrays. Building one costs nothing per entry (a TreeMap allocates a node per entry),
 * and walking it reads arrays instead of chasing a node per entry, which for trees of many leaves
 * is most of the cost of flattening. It is an ordinary {@link SortedMap} (equality, hash code and
 * string form are those of any map) that rejects every change.
 */
final class SortedArrayMap extends AbstractMap<String, Object> implements SortedMap<String, Object>, Serializable {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // serializable when its values are, as java.util's maps
  private final List<String> keys;
  @SuppressWarnings("serial")
  private final Object[] values;
  private final int from;
  private final int to;

  /** {@code keys} in code-point order and unmodifiable; the map takes {@code values} over (the caller must not keep it). */
  SortedArrayMap(List<String> keys, Object[] values) {
    this(keys, values, 0, values.length);
  }

  private SortedArrayMap(List<String> keys, Object[] values, int from, int to) {
    this.keys = keys;
    this.values = values;
    this.from = from;
    this.to = to;
  }

  /** The keys in order (unmodifiable). */
  List<String> keyList() {
    return from == 0 && to == keys.size() ? keys : keys.subList(from, to);
  }

  /** The value at position {@code i} of {@link #keyList()}. */
  Object valueAt(int i) {
    return values[from + i];
  }

  @Override
  public int size() {
    return to - from;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public Object get(Object key) {
    int i = indexOf(key);
    return i >= 0 ? values[i] : null;
  }

  private int indexOf(Object key) {
    if (!(key instanceof String k)) {
      return -1;
    }
    int i = Collections.binarySearch(keys.subList(from, to), k, CodePointOrder.INSTANCE);
    return i >= 0 ? from + i : -1;
  }

  /** The first position whose key is not below {@code key}. */
  private int lowerBound(String key) {
    Objects.requireNonNull(key, "key");
    int i = Collections.binarySearch(keys.subList(from, to), key, CodePointOrder.INSTANCE);
    return from + (i >= 0 ? i : -i - 1);
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next = from;

          @Override
          public boolean hasNext() {
            return next < to;
          }

          @Override
          public Map.Entry<String, Object> next() {
            if (next >= to) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(keys.get(i), values[i]);
          }
        };
      }

      @Override
      public int size() {
        return to - from;
      }
    };
  }

  @Override
  public Comparator<? super String> comparator() {
    return CodePointOrder.INSTANCE;
  }

  @Override
  public SortedMap<String, Object> subMap(String fromKey, String toKey) {
    if (CodePointOrder.INSTANCE.compare(fromKey, toKey) > 0) {
      throw new IllegalArgumentException("fromKey > toKey");
    }
    return new SortedArrayMap(keys, values, lowerBound(fromKey), lowerBound(toKey));
  }

  @Override
  public SortedMap<String, Object> headMap(String toKey) {
    return new SortedArrayMap(keys, values, from, lowerBound(toKey));
  }

  @Override
  public SortedMap<String, Object> tailMap(String fromKey) {
    return new SortedArrayMap(keys, values, lowerBound(fromKey), to);
  }

  @Override
  public String firstKey() {
    if (from == to) {
      throw new NoSuchElementException();
    }
    return keys.get(from);
  }

  @Override
  public String lastKey() {
    if (from == to) {
      throw new NoSuchElementException();
    }
    return keys.get(to - 1);
  }
}
