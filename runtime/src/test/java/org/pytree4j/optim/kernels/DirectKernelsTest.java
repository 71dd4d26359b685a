package org.pytree4j.optim.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The Vector API kernels load only when they give the array loops' bits. */
class DirectKernelsTest {

  @Test
  void theVectorKernelsAgreeWithTheArrayKernels() {
    Assumptions.assumeTrue(DirectKernels.INSTANCE != null,
        "the direct kernels need --add-modules jdk.incubator.vector (runtime/pom.xml passes it)");
    assertTrue(DirectKernels.Loader.agreesWithArrayKernels(DirectKernels.INSTANCE));
  }

  @Test
  void kernelsThatDifferInOneBitAreRefused() {
    Assumptions.assumeTrue(DirectKernels.INSTANCE != null,
        "the direct kernels need --add-modules jdk.incubator.vector (runtime/pom.xml passes it)");
    DirectKernels real = DirectKernels.INSTANCE;
    DirectKernels offByOneUlp = new DirectKernels() {
      @Override
      public void adam(float[] u, ByteBuffer muIn, ByteBuffer nuIn, ByteBuffer muOut, ByteBuffer nuOut, int offset, int n,
          AdamOp c) {
        real.adam(u, muIn, nuIn, muOut, nuOut, offset, n, c);
      }

      @Override
      public void trace(float[] u, ByteBuffer in, ByteBuffer out, int offset, int n, TraceOp op) {
        real.trace(u, in, out, offset, n, op);
      }

      @Override
      public void applyUpdates(float[] u, ByteBuffer paramsIn, ByteBuffer paramsOut, int offset, int n) {
        real.applyUpdates(u, paramsIn, paramsOut, offset, n);
        paramsOut.putFloat(offset + 4 * (n - 1), Math.nextUp(paramsOut.getFloat(offset + 4 * (n - 1))));
      }
    };
    assertFalse(DirectKernels.Loader.agreesWithArrayKernels(offByOneUlp));
  }
}
