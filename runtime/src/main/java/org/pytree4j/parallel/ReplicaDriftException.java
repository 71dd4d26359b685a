package org.pytree4j.parallel;

/**
 * Replicas that must be bit-identical are not: some rank's state differs from rank 0's. Thrown on
 * every rank by {@link Replicas#checkIdentical}, naming the ranks and the first key path that
 * differs. Drift means a rank took a data-dependent decision on its local values instead of on
 * reduced ones, used another optimizer or seed, or missed a step; training on would silently
 * average different models.
 */
public class ReplicaDriftException extends CollectiveException {
  private static final long serialVersionUID = 1L;

  public ReplicaDriftException(String message) {
    super(message);
  }
}
