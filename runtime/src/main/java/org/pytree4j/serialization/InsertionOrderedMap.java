package org.pytree4j.serialization;

import java.io.Serializable;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The unmodifiable dicts serialization hands out ({@code msgpackRestore}, {@code toStateDict},
 * dicts restored in a saved or target order): a Python {@code dict}, which keeps the order its keys
 * were written in, and is written back in that order. As a pytree it is a plain map (its children
 * sorted, as JAX sorts a dict's); only serialization reads its order.
 */
final class InsertionOrderedMap extends AbstractMap<String, Object> implements Serializable {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // serializable when its values are, as java.util's maps
  private final Map<String, Object> entries;

  /** Takes {@code entries} over: the caller must not change or keep it. */
  InsertionOrderedMap(LinkedHashMap<String, Object> entries) {
    this.entries = Collections.unmodifiableMap(entries);
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return entries.entrySet();
  }

  @Override
  public int size() {
    return entries.size();
  }

  @Override
  public boolean containsKey(Object key) {
    return entries.containsKey(key);
  }

  @Override
  public Object get(Object key) {
    return entries.get(key);
  }
}
