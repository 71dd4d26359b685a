package org.pytree4j.optim.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The per-element arithmetic of the fused step reading and writing the slabs directly, so that a
 * thread overlaps memory traffic with arithmetic as a single loop does, instead of copying each
 * block into scratch arrays first. Java 17 vectorizes such loops only through the incubating Vector
 * API, so the implementation ({@code VectorKernels}) is loaded only when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} (as Lucene does); otherwise {@link #INSTANCE} is null and
 * steps copy blocks. The results are the same bits either way: every lane does the float32
 * operations of the ops' array loops in the same order, which {@link #INSTANCE} is checked for.
 *
 * <p>Offsets are in bytes into the buffers; {@code updates} holds the block's updates, transformed
 * in place.
 */
public interface DirectKernels {
  /** Set {@value} to {@code false} to keep copying blocks even when the Vector API is there. */
  String PROPERTY = "pytree4j.optim.vector";

  /** The kernels, or null when the Vector API is not there (or not the one they were written for). */
  DirectKernels INSTANCE = Loader.load();

  /** {@link AdamOp#runFloat32}, its moments read from {@code muIn}, {@code nuIn} and written to {@code muOut}, {@code nuOut}. */
  void adam(float[] updates, ByteBuffer muIn, ByteBuffer nuIn, ByteBuffer muOut, ByteBuffer nuOut, int offset, int n,
      AdamOp op);

  /** {@link TraceOp#runFloat32}, its trace read from {@code traceIn} and written to {@code traceOut}. */
  void trace(float[] updates, ByteBuffer traceIn, ByteBuffer traceOut, int offset, int n, TraceOp op);

  /** {@link ApplyUpdatesKernel#runFloat32}: {@code paramsOut = paramsIn + updates}. */
  void applyUpdates(float[] updates, ByteBuffer paramsIn, ByteBuffer paramsOut, int offset, int n);

  /** True when {@code op} has a form here that reads and writes its state in the slabs. */
  static boolean hasDirectForm(ElementwiseOp op) {
    return op instanceof AdamOp || op instanceof TraceOp;
  }

  /**
   * Runs {@code op} on a block: an op with a direct form on its state slabs ({@code stateIn[k]},
   * {@code stateOut[k]}), an op of the updates alone on the block itself.
   */
  default void run(ElementwiseOp op, float[] updates, ByteBuffer[] stateIn, ByteBuffer[] stateOut, int offset, int n) {
    if (op instanceof AdamOp adam) {
      adam(updates, stateIn[0], stateIn[1], stateOut[0], stateOut[1], offset, n, adam);
    } else if (op instanceof TraceOp trace) {
      trace(updates, stateIn[0], stateOut[0], offset, n, trace);
    } else if (op.updatesOnly()) {
      op.runFloat32(updates, null, null, 0, n);
    } else {
      throw new IllegalArgumentException(op + " has no direct form");
    }
  }

  /** Finds the implementation when the Vector API module is in the boot layer. */
  final class Loader {
    private Loader() {}

    static DirectKernels load() {
      if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
          || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
        return null;
      }
      try {
        DirectKernels kernels = (DirectKernels) Class.forName("org.pytree4j.optim.kernels.VectorKernels")
            .getDeclaredConstructor().newInstance();
        return agreesWithArrayKernels(kernels) ? kernels : null;
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        // another JDK's Vector API (its methods are resolved on first call), or a broken one
        return null;
      }
    }

    /** Runs each kernel once on a few lanes and a tail and compares the bits with the array loops. */
    static boolean agreesWithArrayKernels(DirectKernels kernels) {
      int n = KernelSamples.LENGTH;
      KernelSamples samples = KernelSamples.make();
      float[] g = samples.grads();
      float[] mu = samples.mu();
      float[] nu = samples.nu();
      float[] p = samples.params();
      ByteBuffer muBytes = direct(mu);
      ByteBuffer nuBytes = direct(nu);
      ByteBuffer pBytes = direct(p);
      float[] u = g.clone();
      AdamOp adam = new AdamOp(0.9, 0.999, 1e-8, 0, 0.19, 0.002998, 0.271, true);
      TraceOp trace = new TraceOp(0.9, true);
      kernels.adam(u, muBytes, nuBytes, muBytes, nuBytes, 0, n, adam);
      kernels.trace(u, pBytes, pBytes, 0, n, trace);
      kernels.applyUpdates(u, pBytes, pBytes, 0, n);
      float[] expected = g.clone();
      adam.runFloat32(expected, new float[][] {mu, nu}, null, 0, n);
      trace.runFloat32(expected, new float[][] {p}, null, 0, n);
      ApplyUpdatesKernel.runFloat32(p, expected, 0, n);
      for (int i = 0; i < n; i++) {
        if (Float.floatToRawIntBits(u[i]) != Float.floatToRawIntBits(expected[i])
            || Float.floatToRawIntBits(muBytes.getFloat(4 * i)) != Float.floatToRawIntBits(mu[i])
            || Float.floatToRawIntBits(nuBytes.getFloat(4 * i)) != Float.floatToRawIntBits(nu[i])
            || Float.floatToRawIntBits(pBytes.getFloat(4 * i)) != Float.floatToRawIntBits(p[i])) {
          return false;
        }
      }
      return true;
    }

    private static ByteBuffer direct(float[] values) {
      ByteBuffer b = ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder());
      for (int i = 0; i < values.length; i++) {
        b.putFloat(4 * i, values[i]);
      }
      return b;
    }
  }
}
