package org.pytree4j.grad;

/** A graph that a fixed {@link GradPlan} cannot run; {@link ValueAndGradFn} then runs it through SameDiff. */
final class UnsupportedPlanException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UnsupportedPlanException(String message) {
    super(message);
  }
}
