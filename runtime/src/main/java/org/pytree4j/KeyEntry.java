package org.pytree4j;

/**
 * One step of a {@link KeyPath}, printed as {@code jax.tree_util.keystr} prints it.
 */
public sealed interface KeyEntry permits KeyEntry.DictKey, KeyEntry.SequenceKey, KeyEntry.GetAttrKey {

  /** The entry in the simple form used for file names and logs: {@code kernel}, {@code 0}. */
  String simple();

  /** A key of a {@code Map}: {@code ['params']}. */
  record DictKey(String key) implements KeyEntry {
    public DictKey {
      if (key == null) {
        throw new IllegalArgumentException("dict key must not be null");
      }
    }

    @Override
    public String simple() {
      return key;
    }

    @Override
    public String toString() {
      return "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }
  }

  /** A position in a sequence: {@code [0]}. */
  record SequenceKey(int index) implements KeyEntry {
    @Override
    public String simple() {
      return Integer.toString(index);
    }

    @Override
    public String toString() {
      return "[" + index + "]";
    }
  }

  /** A component of a record node: {@code .kernel}. */
  record GetAttrKey(String name) implements KeyEntry {
    public GetAttrKey {
      if (name == null) {
        throw new IllegalArgumentException("attribute name must not be null");
      }
    }

    @Override
    public String simple() {
      return name;
    }

    @Override
    public String toString() {
      return "." + name;
    }
  }
}
