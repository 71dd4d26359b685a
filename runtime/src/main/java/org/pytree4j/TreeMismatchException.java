package org.pytree4j;

/**
 * Two trees, or a tree and a structure, differ. The message names the first differing key path and
 * what was expected and found there.
 */
public class TreeMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient KeyPath path;

  public TreeMismatchException(KeyPath path, String message) {
    super(message);
    this.path = path;
  }

  /** Where the trees first differ. */
  public KeyPath path() {
    return path;
  }
}
