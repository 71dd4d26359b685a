package org.pytree4j.optim;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.kernels.ElementwiseOp;

/**
 * The zero updates of a transformation that leaves the params alone ({@code set_to_zero}, a step
 * {@code apply_if_finite} skips, a {@code MultiSteps} mini-step): Optax's {@code zeros_like(updates)},
 * here {@code -0.0}, so that {@code p + u} is {@code p} bit for bit, a {@code -0.0} param included
 * ({@code -0.0 + 0.0} is {@code +0.0}). None stays None.
 */
final class ZeroUpdates {
  private ZeroUpdates() {}

  /** {@code u = -0.0} for every element: the op of the fused step. */
  record Op() implements ElementwiseOp.Custom {
    @Override
    public int stateTrees() {
      return 0;
    }

    @Override
    public boolean readsParams() {
      return false;
    }

    @Override
    public void runFloat32(float[] u, float[][] state, float[] p, int from, int to) {
      Arrays.fill(u, from, to, -0.0f);
    }

    @Override
    public void runFloat64(double[] u, double[][] state, double[] p, int from, int to) {
      Arrays.fill(u, from, to, -0.0);
    }
  }

  /** {@code -0.0} like every array of {@code tree} (its dtype and shape); None stays None. */
  static Object like(Object tree) {
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(tree);
    Object[] out = new Object[u.size()];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (g == null) {
        continue;
      }
      int n = (int) g.length();
      if (LeafBuffers.allFloat32(g)) {
        float[] zeros = new float[n];
        Arrays.fill(zeros, -0.0f);
        out[i] = LeafBuffers.writeFloats(zeros, g.shape());
      } else {
        double[] zeros = new double[n];
        Arrays.fill(zeros, -0.0);
        out[i] = LeafBuffers.write(zeros, g.shape(), g.dataType());
      }
    }
    return u.unflatten(out);
  }
}
