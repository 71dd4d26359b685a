package org.pytree4j;

/**
 * A record node rejected one of its children (wrong type, or None for a primitive); carries which
 * one, so the unflatten error can name the key path down to that child.
 */
final class ChildTypeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int index;

  ChildTypeException(int index, String message) {
    super(message);
    this.index = index;
  }

  int index() {
    return index;
  }
}
