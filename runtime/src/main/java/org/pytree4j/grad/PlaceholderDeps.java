package org.pytree4j.grad;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;

/** The placeholders a SameDiff variable's value depends on, found by walking its ops backwards. */
final class PlaceholderDeps {
  private PlaceholderDeps() {}

  static Set<String> of(SameDiff sd, String variable) {
    Set<String> placeholders = new TreeSet<>();
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(variable));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (!seen.add(name)) {
        continue;
      }
      if (sd.isPlaceHolder(name)) {
        placeholders.add(name);
        continue;
      }
      Variable v = sd.getVariables().get(name);
      String opName = v == null ? null : v.getOutputOfOp();
      SameDiffOp op = opName == null ? null : sd.getOps().get(opName);
      if (op != null && op.getInputsToOp() != null) {
        todo.addAll(op.getInputsToOp());
      }
    }
    return placeholders;
  }
}
