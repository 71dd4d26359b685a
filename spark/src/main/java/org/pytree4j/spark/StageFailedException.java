package org.pytree4j.spark;

/**
 * The data-parallel stage failed on its last allowed attempt. The cause is Spark's exception, whose
 * message carries the failed task's exception (e.g. a {@code CollectiveMismatchException} naming
 * the rank and key path).
 */
public class StageFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int attempts;

  public StageFailedException(int attempts, Throwable cause) {
    super("the data-parallel stage failed " + (attempts == 1 ? "on its only attempt" : attempts + " times")
        + ": " + cause.getMessage(), cause);
    this.attempts = attempts;
  }

  /** How many times the stage ran. */
  public int attempts() {
    return attempts;
  }
}
