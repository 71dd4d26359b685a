package org.pytree4j.grad;

import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * libnd4j's {@code execCustomOp2}, called the way ND4J's CPU executioner calls it, without the
 * executioner's per-call Java work. Used only on ND4J's CPU backend (nd4j-native-api is a provided
 * dependency of the runtime: every native backend brings it, but the runtime does not require it);
 * elsewhere {@link OpStep} goes through the executioner.
 */
final class DirectExec {
  /** True when the running backend is ND4J's CPU backend, decided once. */
  static final boolean AVAILABLE = cpuBackend();

  private DirectExec() {}

  private static boolean cpuBackend() {
    try {
      return Nd4j.getExecutioner().getClass().getName().equals("org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner")
          && NativeOpsHolder.getInstance().getDeviceNativeOps() != null;
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }

  /** OpenMP's thread count for libnd4j's parallel loops (those that do not follow the master-thread setting). */
  static int ompThreads() {
    return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
  }

  static void setOmpThreads(int threads) {
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
  }

  /** Runs the custom op {@code hash} on {@code context}; throws with libnd4j's message on failure. */
  static void exec(long hash, OpContext context, Object op) {
    NativeOps nativeOps = NativeOpsHolder.getInstance().getDeviceNativeOps();
    int status = nativeOps.execCustomOp2(null, hash, context.contextPointer());
    if (status != 0) {
      throw new IllegalStateException("op " + op + " failed: " + nativeOps.lastErrorMessage());
    }
  }
}
