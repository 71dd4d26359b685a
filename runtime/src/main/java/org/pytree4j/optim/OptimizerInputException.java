package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.List;
import org.pytree4j.KeyEntry;
import org.pytree4j.KeyPath;

/**
 * Bad input to an optimizer: updates, params or an optimizer state that do not fit together, or a
 * hyperparameter that cannot be used. Raised before anything is computed; the inputs are unchanged
 * and the state can be used again.
 *
 * <p>The message names where the problem is and what was found on both sides, e.g.
 * {@code updates do not match the optimizer state at ['dense']['kernel'] (optimizer state
 * [0].mu['dense']['kernel']): the updates have float32[3, 2] but the state has float32[2, 3]}.
 */
public final class OptimizerInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String problem;
  private final transient KeyPath path;
  private final transient KeyPath statePath;
  private final String detail;

  OptimizerInputException(String problem, KeyPath path, KeyPath statePath, String detail) {
    super(problem);
    this.problem = problem;
    this.path = path;
    this.statePath = statePath;
    this.detail = detail;
  }

  /** A problem with the updates or params tree at {@code path}. */
  static OptimizerInputException atPath(String problem, KeyPath path, String detail) {
    return new OptimizerInputException(problem, path, null, detail);
  }

  /** A problem with the optimizer state at {@code statePath} (relative to the state being checked). */
  static OptimizerInputException inState(String problem, KeyPath statePath, String detail) {
    return new OptimizerInputException(problem, null, statePath, detail);
  }

  /**
   * Where in the updates/params tree the problem is ({@code ['dense']['kernel']}), or null when it
   * is in the optimizer state only.
   */
  public KeyPath path() {
    return path;
  }

  /**
   * Where in the optimizer state the problem is ({@code [1].hyperparams['learning_rate']}), or null
   * when the state is not involved.
   */
  public KeyPath statePath() {
    return statePath;
  }

  /** The same problem seen from a state that holds this one under {@code prefix} (a chain, a wrapper). */
  OptimizerInputException under(KeyEntry... prefix) {
    if (statePath == null) {
      return this;
    }
    List<KeyEntry> entries = new ArrayList<>(List.of(prefix));
    entries.addAll(statePath.entries());
    OptimizerInputException moved = new OptimizerInputException(problem, path, KeyPath.of(entries), detail);
    moved.setStackTrace(getStackTrace());
    return moved;
  }

  @Override
  public String getMessage() {
    StringBuilder sb = new StringBuilder(problem);
    if (path != null) {
      sb.append(" at ").append(path.describe());
      if (statePath != null) {
        sb.append(" (optimizer state ").append(statePath.describe()).append(')');
      }
    } else if (statePath != null) {
      sb.append(" at optimizer state ").append(statePath.describe());
    }
    if (detail != null && !detail.isEmpty()) {
      sb.append(": ").append(detail);
    }
    return sb.toString();
  }
}
