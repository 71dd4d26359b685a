package org.pytree4j.parallel;

/**
 * The ranks called different collective operations, or the same operation with trees of different
 * structures, data types or shapes. Every rank throws it, with a message naming the first rank that
 * differs from rank 0 and the key path where it differs, e.g. {@code allReduceMean (collective #3):
 * rank 1's tree differs from rank 0's at .hidden.kernel: rank 0 has float32[2, 32], rank 1 has
 * float64[2, 32]}.
 */
public class CollectiveMismatchException extends CollectiveException {
  private static final long serialVersionUID = 1L;

  public CollectiveMismatchException(String message) {
    super(message);
  }
}
