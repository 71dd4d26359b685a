package org.pytree4j.optim.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DirectKernels} on the incubating Vector API. Each method is the array loop it names,
 * lane by lane in the same float32 operations and order (IEEE division and square root are exact
 * per lane), with a scalar tail doing the same.
 */
final class VectorKernels implements DirectKernels {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  @Override
  public void adam(float[] u, ByteBuffer muIn, ByteBuffer nuIn, ByteBuffer muOut, ByteBuffer nuOut, int offset, int n,
      AdamOp c) {
    float b1 = (float) c.b1();
    float b2 = (float) c.b2();
    float oneMinusB1 = (float) (1 - c.b1());
    float oneMinusB2 = (float) (1 - c.b2());
    float bc1 = (float) c.bc1();
    float bc2 = (float) c.bc2();
    float bc1Next = (float) c.bc1Next();
    float eps = (float) c.eps();
    float epsRoot = (float) c.epsRoot();
    boolean nesterov = c.nesterov();
    int lanes = SPECIES.length();
    int bound = SPECIES.loopBound(n);
    int i = 0;
    for (; i < bound; i += lanes) {
      int at = offset + 4 * i;
      FloatVector g = FloatVector.fromArray(SPECIES, u, i);
      FloatVector m = g.mul(oneMinusB1).add(FloatVector.fromByteBuffer(SPECIES, muIn, at, ORDER).mul(b1));
      FloatVector v = g.mul(g).mul(oneMinusB2).add(FloatVector.fromByteBuffer(SPECIES, nuIn, at, ORDER).mul(b2));
      m.intoByteBuffer(muOut, at, ORDER);
      v.intoByteBuffer(nuOut, at, ORDER);
      FloatVector mHat = nesterov ? m.div(bc1Next).mul(b1).add(g.div(bc1).mul(oneMinusB1)) : m.div(bc1);
      mHat.div(v.div(bc2).add(epsRoot).sqrt().add(eps)).intoArray(u, i);
    }
    for (; i < n; i++) {
      int at = offset + 4 * i;
      float gi = u[i];
      float m = oneMinusB1 * gi + b1 * muIn.getFloat(at);
      float v = oneMinusB2 * (gi * gi) + b2 * nuIn.getFloat(at);
      muOut.putFloat(at, m);
      nuOut.putFloat(at, v);
      float mHat = nesterov ? b1 * (m / bc1Next) + oneMinusB1 * (gi / bc1) : m / bc1;
      u[i] = mHat / ((float) Math.sqrt(v / bc2 + epsRoot) + eps);
    }
  }

  @Override
  public void trace(float[] u, ByteBuffer traceIn, ByteBuffer traceOut, int offset, int n, TraceOp op) {
    float d = (float) op.decay();
    boolean nesterov = op.nesterov();
    int lanes = SPECIES.length();
    int bound = SPECIES.loopBound(n);
    int i = 0;
    for (; i < bound; i += lanes) {
      int at = offset + 4 * i;
      FloatVector g = FloatVector.fromArray(SPECIES, u, i);
      FloatVector t = g.add(FloatVector.fromByteBuffer(SPECIES, traceIn, at, ORDER).mul(d));
      t.intoByteBuffer(traceOut, at, ORDER);
      (nesterov ? g.add(t.mul(d)) : t).intoArray(u, i);
    }
    for (; i < n; i++) {
      int at = offset + 4 * i;
      float gi = u[i];
      float t = gi + d * traceIn.getFloat(at);
      traceOut.putFloat(at, t);
      u[i] = nesterov ? gi + d * t : t;
    }
  }

  @Override
  public void applyUpdates(float[] u, ByteBuffer paramsIn, ByteBuffer paramsOut, int offset, int n) {
    int lanes = SPECIES.length();
    int bound = SPECIES.loopBound(n);
    int i = 0;
    for (; i < bound; i += lanes) {
      int at = offset + 4 * i;
      FloatVector.fromByteBuffer(SPECIES, paramsIn, at, ORDER).add(FloatVector.fromArray(SPECIES, u, i))
          .intoByteBuffer(paramsOut, at, ORDER);
    }
    for (; i < n; i++) {
      int at = offset + 4 * i;
      paramsOut.putFloat(at, paramsIn.getFloat(at) + u[i]);
    }
  }
}
