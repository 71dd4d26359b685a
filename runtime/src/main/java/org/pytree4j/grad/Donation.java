package org.pytree4j.grad;

import java.util.List;
import org.pytree4j.TreeMismatchException;

/** The leaves of a donated gradient tree, after checking it has the params' structure. */
final class Donation {
  private Donation() {}

  static List<Object> flatten(GraphInputs params, Object grads) {
    try {
      return params.treeDef().flattenUpTo(grads);
    } catch (TreeMismatchException e) {
      throw new TreeMismatchException(e.path(), "donated grads do not match the params: " + e.getMessage());
    }
  }
}
