package org.pytree4j.parallel;

/**
 * A collective operation failed on this rank: another rank failed or closed its connection, the
 * ranks disagreed on what to do, or a network error occurred. The collective that threw it is
 * unusable afterwards (every later call throws); the usual recovery is to restart all replicas from
 * the latest checkpoint.
 */
public class CollectiveException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CollectiveException(String message) {
    super(message);
  }

  public CollectiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
