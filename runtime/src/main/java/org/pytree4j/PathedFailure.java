package org.pytree4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Carries a failure up a recursive tree walk, collecting the key path on the way out, so that walks
 * pay nothing for paths unless something goes wrong.
 */
final class PathedFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<KeyEntry> reversedPath = new ArrayList<>();
  private final boolean mismatch;

  private PathedFailure(String message, boolean mismatch, Throwable cause) {
    super(message, cause, false, false);
    this.mismatch = mismatch;
  }

  /** The trees differ in structure here. */
  static PathedFailure mismatch(String message) {
    return new PathedFailure(message, true, null);
  }

  /** A value here cannot be used (bad key type, wrong component type ...). */
  static PathedFailure invalid(String message, Throwable cause) {
    return new PathedFailure(message, false, cause);
  }

  /** Called by each level while unwinding, innermost first. */
  PathedFailure at(KeyEntry entry) {
    reversedPath.add(entry);
    return this;
  }

  KeyPath path() {
    List<KeyEntry> entries = new ArrayList<>(reversedPath);
    Collections.reverse(entries);
    return KeyPath.of(entries);
  }

  /** The public exception: {@code <prefix> at <path>: <message>}. */
  IllegalArgumentException toException(String prefix) {
    return toException(prefix, "");
  }

  /** The public exception: {@code <prefix> at <path>: <message><suffix>}. */
  IllegalArgumentException toException(String prefix, String suffix) {
    KeyPath path = path();
    String text = prefix + " at " + path.describe() + ": " + getMessage() + suffix;
    IllegalArgumentException e =
        mismatch ? new TreeMismatchException(path, text) : new InvalidTreeException(path, text);
    if (getCause() != null) {
      e.initCause(getCause());
    }
    return e;
  }
}
