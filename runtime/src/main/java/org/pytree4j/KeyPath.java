package org.pytree4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The path from the root of a tree to one of its nodes: {@code ['params']['dense']['kernel']},
 * {@code .hidden.kernel}, {@code [0]}. Immutable; extending a path is O(1) and shares the prefix.
 */
public final class KeyPath {
  private static final KeyPath ROOT = new KeyPath(null, null, 0);

  private final KeyPath parent;
  private final KeyEntry last;
  private final int size;
  private int hash;

  private KeyPath(KeyPath parent, KeyEntry last, int size) {
    this.parent = parent;
    this.last = last;
    this.size = size;
  }

  /** The empty path, naming the root of a tree. */
  public static KeyPath root() {
    return ROOT;
  }

  public static KeyPath of(KeyEntry... entries) {
    KeyPath path = ROOT;
    for (KeyEntry entry : entries) {
      path = path.child(entry);
    }
    return path;
  }

  public static KeyPath of(List<? extends KeyEntry> entries) {
    KeyPath path = ROOT;
    for (KeyEntry entry : entries) {
      path = path.child(entry);
    }
    return path;
  }

  public KeyPath child(KeyEntry entry) {
    if (entry == null) {
      throw new IllegalArgumentException("key entry must not be null");
    }
    return new KeyPath(this, entry, size + 1);
  }

  public KeyPath dict(String key) {
    return child(new KeyEntry.DictKey(key));
  }

  public KeyPath index(int index) {
    return child(new KeyEntry.SequenceKey(index));
  }

  public KeyPath attr(String name) {
    return child(new KeyEntry.GetAttrKey(name));
  }

  public int size() {
    return size;
  }

  public boolean isRoot() {
    return size == 0;
  }

  /** The last entry, or null at the root. */
  public KeyEntry last() {
    return last;
  }

  /** The path without its last entry; the root is its own parent. */
  public KeyPath parent() {
    return parent == null ? this : parent;
  }

  public List<KeyEntry> entries() {
    List<KeyEntry> entries = new ArrayList<>(size);
    for (KeyPath p = this; p.size > 0; p = p.parent) {
      entries.add(p.last);
    }
    Collections.reverse(entries);
    return Collections.unmodifiableList(entries);
  }

  /** As {@code jax.tree_util.keystr(path)}: {@code ['params']['dense']['kernel']}; empty at the root. */
  public String keystr() {
    StringBuilder sb = new StringBuilder();
    for (KeyEntry entry : entries()) {
      sb.append(entry);
    }
    return sb.toString();
  }

  /** As {@code keystr(path, simple=True, separator='/')}: {@code params/dense/kernel}. */
  public String simple() {
    return simple("/");
  }

  public String simple(String separator) {
    StringBuilder sb = new StringBuilder();
    for (KeyEntry entry : entries()) {
      if (sb.length() > 0) {
        sb.append(separator);
      }
      sb.append(entry.simple());
    }
    return sb.toString();
  }

  /** The path for error messages: its keystr, or {@code <root>} for the empty path. */
  public String describe() {
    return size == 0 ? "<root>" : keystr();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof KeyPath other) || other.size != size || other.hashCode() != hashCode()) {
      return false;
    }
    for (KeyPath a = this, b = other; a.size > 0; a = a.parent, b = b.parent) {
      if (!a.last.equals(b.last)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0 && size > 0) {
      h = entries().hashCode();
      hash = h;
    }
    return h;
  }

  @Override
  public String toString() {
    return keystr();
  }
}
