package org.pytree4j.optim;

import java.nio.ByteBuffer;

/**
 * The per-element arithmetic of the fused step reading and writing the slabs directly, so that a
 * thread overlaps memory traffic with arithmetic as a single loop does, instead of copying each
 * block into scratch arrays first. Java 17 vectorizes such loops only through the incubating Vector
 * API, so the implementation ({@code VectorKernels}) is loaded only when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} (as Lucene does); otherwise {@link #INSTANCE} is null and
 * steps copy blocks. The results are the same bits either way: every lane does the float32
 * operations of the array kernels in the same order.
 *
 * <p>Offsets are in bytes into the buffers; {@code updates} holds the block's updates, transformed
 * in place.
 */
interface DirectKernels {
  /** Set {@value} to {@code false} to keep copying blocks even when the Vector API is there. */
  String PROPERTY = "pytree4j.optim.vector";

  DirectKernels INSTANCE = Loader.load();

  /** {@link ScaleByAdam#kernel(float[], float[], float[], float[], int, int, ScaleByAdam.Coefficients)}. */
  void adam(float[] updates, ByteBuffer muIn, ByteBuffer nuIn, ByteBuffer muOut, ByteBuffer nuOut, int offset, int n,
      ScaleByAdam.Coefficients c);

  /** {@link Trace#kernel(float[], float[], float[], int, int, double, boolean)}. */
  void trace(float[] updates, ByteBuffer traceIn, ByteBuffer traceOut, int offset, int n, double decay,
      boolean nesterov);

  /** {@link ApplyUpdates#kernel(float[], float[], int, int)}: {@code paramsOut = paramsIn + updates}. */
  void applyUpdates(float[] updates, ByteBuffer paramsIn, ByteBuffer paramsOut, int offset, int n);

  /** Finds the implementation when the Vector API module is in the boot layer. */
  final class Loader {
    private Loader() {}

    static DirectKernels load() {
      if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
          || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
        return null;
      }
      try {
        DirectKernels kernels =
            (DirectKernels) Class.forName("org.pytree4j.optim.VectorKernels").getDeclaredConstructor().newInstance();
        return agreesWithArrayKernels(kernels) ? kernels : null;
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        // another JDK's Vector API (its methods are resolved on first call), or a broken one
        return null;
      }
    }

    /** Runs each kernel once on a few lanes and a tail and compares the bits with the array kernels. */
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
      ScaleByAdam.Coefficients c = new ScaleByAdam.Coefficients(0.9, 0.999, 1e-8, 0, 0.19, 0.002998, 0.271, true);
      kernels.adam(u, muBytes, nuBytes, muBytes, nuBytes, 0, n, c);
      kernels.trace(u, pBytes, pBytes, 0, n, 0.9, true);
      kernels.applyUpdates(u, pBytes, pBytes, 0, n);
      float[] expected = g.clone();
      ScaleByAdam.kernel(expected, mu, nu, expected, 0, n, c);
      Trace.kernel(expected, p, expected, 0, n, 0.9, true);
      ApplyUpdates.kernel(p, expected, 0, n);
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
      ByteBuffer b = ByteBuffer.allocateDirect(4 * values.length).order(java.nio.ByteOrder.nativeOrder());
      for (int i = 0; i < values.length; i++) {
        b.putFloat(4 * i, values[i]);
      }
      return b;
    }
  }
}
