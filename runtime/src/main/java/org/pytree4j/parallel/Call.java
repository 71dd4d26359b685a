package org.pytree4j.parallel;

import java.time.Duration;

/**
 * One collective call on one rank: what it is (for messages), its sequence number among this
 * collective's calls, and its deadline.
 */
record Call(String op, long sequence, int rank, Duration timeout, long deadlineNanos) {
  static Call start(String op, long sequence, int rank, Duration timeout) {
    return new Call(op, sequence, rank, timeout, System.nanoTime() + timeout.toNanos());
  }

  long remainingNanos() {
    return deadlineNanos - System.nanoTime();
  }

  /** {@code allReduceMean (collective #3)}. */
  String describe() {
    return op + " (collective #" + sequence + ")";
  }

  CollectiveTimeoutException timedOut(String waitingFor) {
    return new CollectiveTimeoutException(describe() + " timed out after " + Durations.format(timeout) + " on rank "
        + rank + ": " + waitingFor + " (every collective call has a timeout; see Collective#timeout)");
  }

  CollectiveException failed(String what, Throwable cause) {
    return new CollectiveException(describe() + " failed on rank " + rank + ": " + what, cause);
  }
}
