package org.pytree4j;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;

/**
 * Keys already in sorted order with their values, seen as a {@link SortedMap} only so that
 * {@code new TreeMap<>(entries)} builds the tree in linear time (TreeMap's {@code buildFromSorted})
 * instead of inserting key by key. Only what that constructor uses is supported.
 */
final class SortedEntries extends AbstractMap<String, Object> implements SortedMap<String, Object> {
  private final List<String> keys;
  private final Object[] values;

  SortedEntries(List<String> keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public Comparator<? super String> comparator() {
    return null;
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < values.length;
          }

          @Override
          public Map.Entry<String, Object> next() {
            if (next >= values.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(keys.get(i), values[i]);
          }
        };
      }

      @Override
      public int size() {
        return values.length;
      }
    };
  }

  @Override
  public SortedMap<String, Object> subMap(String fromKey, String toKey) {
    throw new UnsupportedOperationException();
  }

  @Override
  public SortedMap<String, Object> headMap(String toKey) {
    throw new UnsupportedOperationException();
  }

  @Override
  public SortedMap<String, Object> tailMap(String fromKey) {
    throw new UnsupportedOperationException();
  }

  @Override
  public String firstKey() {
    throw new UnsupportedOperationException();
  }

  @Override
  public String lastKey() {
    throw new UnsupportedOperationException();
  }
}
