package org.pytree4j.parallel;

/**
 * A collective operation did not complete within the collective's timeout: some rank did not reach
 * it (it is stuck, slow, or took another branch). The message names the operation, this rank and
 * the rank or ranks it was waiting for.
 */
public class CollectiveTimeoutException extends CollectiveException {
  private static final long serialVersionUID = 1L;

  public CollectiveTimeoutException(String message) {
    super(message);
  }
}
