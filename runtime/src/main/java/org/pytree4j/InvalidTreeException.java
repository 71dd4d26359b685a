package org.pytree4j;

/**
 * A value in a tree cannot be used where it is (a map key that is not a String, a leaf of the
 * wrong type for a record component, a record whose companion was not generated ...). The message
 * names the key path.
 */
public class InvalidTreeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient KeyPath path;

  public InvalidTreeException(KeyPath path, String message) {
    super(message);
    this.path = path;
  }

  /** Where the offending value is. */
  public KeyPath path() {
    return path;
  }
}
