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
        return (DirectKernels) Class.forName("org.pytree4j.optim.VectorKernels").getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        return null;
      }
    }
  }
}
