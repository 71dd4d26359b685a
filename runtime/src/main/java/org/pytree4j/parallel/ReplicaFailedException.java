package org.pytree4j.parallel;

/**
 * A replica's own code threw: thrown by {@link LocalReplicas#run} with the first failure as its
 * cause; the failures it caused on the other ranks are attached as suppressed exceptions.
 */
public class ReplicaFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int rank;

  public ReplicaFailedException(int rank, Throwable cause) {
    super("replica " + rank + " failed: " + cause, cause);
    this.rank = rank;
  }

  /** The rank whose failure came first. */
  public int rank() {
    return rank;
  }
}
