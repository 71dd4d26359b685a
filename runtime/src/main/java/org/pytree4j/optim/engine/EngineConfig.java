package org.pytree4j.optim.engine;

import org.pytree4j.optim.kernels.NativeKernels;

/**
 * How an {@link Engine} runs steps.
 *
 * @param threads the threads a step may use, the caller's included (the engine starts {@code threads - 1})
 * @param nativeKernels whether adam chains may run in the native kernel, where it loaded
 * @param vectorKernels whether passes may read and write slabs through the Vector API, where it is enabled
 * @param poolBytes the memory kept for reuse, in bytes, or -1 to adapt it to the steps (see {@link SlabPool})
 * @param nativeLoop the native kernel's loop ({@code 0 .. NativeKernels.LOOPS - 1}), or -1 for the widest this CPU runs
 */
public record EngineConfig(int threads, boolean nativeKernels, boolean vectorKernels, long poolBytes, int nativeLoop) {
  /** The system property that sets the default {@code poolBytes}. */
  public static final String POOL_BYTES_PROPERTY = "pytree4j.optim.poolBytes";
  /** The system property that sets the default {@code threads}. */
  public static final String THREADS_PROPERTY = "pytree4j.optim.threads";

  public EngineConfig {
    if (threads < 1) {
      throw new IllegalArgumentException("an engine needs at least one thread, not " + threads);
    }
    if (poolBytes == 0 || poolBytes < -1) {
      throw new IllegalArgumentException("poolBytes must be positive, or -1 to adapt, not " + poolBytes);
    }
    if (nativeLoop < -1 || nativeLoop >= NativeKernels.LOOPS) {
      throw new IllegalArgumentException("nativeLoop must be -1 or 0 .. " + (NativeKernels.LOOPS - 1) + ", not "
          + nativeLoop);
    }
  }

  /**
   * Every core (or {@value #THREADS_PROPERTY} threads), every kernel that loads, the pool's budget from
   * {@value #POOL_BYTES_PROPERTY} (adaptive when unset or not positive).
   *
   * @throws IllegalArgumentException if {@value #THREADS_PROPERTY} is set to anything but a positive number
   */
  public static EngineConfig defaults() {
    long poolBytes = Long.getLong(POOL_BYTES_PROPERTY, -1);
    return new EngineConfig(defaultThreads(), true, true, poolBytes > 0 ? poolBytes : -1, -1);
  }

  private static int defaultThreads() {
    String value = System.getProperty(THREADS_PROPERTY);
    if (value == null || value.isBlank()) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int threads = Integer.parseInt(value.trim());
      if (threads >= 1) {
        return threads;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("-D" + THREADS_PROPERTY + " must be a positive number of threads, not '"
        + value + "'");
  }

  public EngineConfig withThreads(int threads) {
    return new EngineConfig(threads, nativeKernels, vectorKernels, poolBytes, nativeLoop);
  }

  public EngineConfig withKernels(boolean nativeKernels, boolean vectorKernels) {
    return new EngineConfig(threads, nativeKernels, vectorKernels, poolBytes, nativeLoop);
  }

  public EngineConfig withPoolBytes(long poolBytes) {
    return new EngineConfig(threads, nativeKernels, vectorKernels, poolBytes, nativeLoop);
  }

  public EngineConfig withNativeLoop(int nativeLoop) {
    return new EngineConfig(threads, nativeKernels, vectorKernels, poolBytes, nativeLoop);
  }
}
