package org.pytree4j.optim;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.kernels.ElementwiseOp;

/**
 * An {@link ElementwiseOp} run over checked updates leaf by leaf, with the state trees it reads and
 * writes (each shaped like the updates) and, when it reads them, the params: the unfused form of the
 * op the fused step runs, so that both give the same bits.
 *
 * <p>Where every array of a leaf is float32 (and no state leaf is stored in another dtype) the op
 * runs in float32, as Optax computes float32 leaves; otherwise in float64, each result rounded once:
 * the update to JAX's promotion of the dtypes it was computed from, a state leaf to the dtype given
 * for its tree ({@code mu_dtype}, {@code accumulator_dtype}) or else to the promotion of the update's
 * dtype and its own. A None update gives a None update and None state leaves, as in Optax.
 */
final class ElementwiseLeaves {
  private ElementwiseLeaves() {}

  /** The new updates and the new state trees, in the order they were given. */
  record Result(Object updates, List<Object> stateTrees) {}

  /**
   * @param stateTrees the op's state trees, in the order of {@link ElementwiseOp#stateTrees()}
   * @param stateDtypes per state tree: the dtype its leaves are stored in, or null (the dtype the
   *     arithmetic gives); null for all
   * @param params the params, read only when the op reads them
   */
  static Result run(ElementwiseOp op, Object updates, List<Object> stateTrees, List<DataType> stateDtypes,
      Object params) {
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    int k = stateTrees.size();
    List<List<Object>> states = new ArrayList<>(k);
    for (Object tree : stateTrees) {
      states.add(u.def.flattenUpTo(tree));
    }
    List<Object> ps = op.readsParams() ? u.def.flattenUpTo(params) : null;
    boolean float32States = true;
    for (int t = 0; t < k; t++) {
      DataType d = stateDtypes == null ? null : stateDtypes.get(t);
      float32States &= d == null || d == DataType.FLOAT;
    }
    Object[] out = new Object[u.size()];
    Object[][] newStates = new Object[k][u.size()];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (g == null) {
        continue;
      }
      INDArray[] s = new INDArray[k];
      for (int t = 0; t < k; t++) {
        s[t] = (INDArray) states.get(t).get(i);
      }
      INDArray p = ps == null ? null : (INDArray) ps.get(i);
      if (float32States && LeafBuffers.allFloat32(g) && LeafBuffers.allFloat32(s) && (p == null || LeafBuffers.allFloat32(p))) {
        float[] gf = LeafBuffers.readFloats(g);
        float[][] sf = new float[k][];
        for (int t = 0; t < k; t++) {
          sf[t] = LeafBuffers.readFloats(s[t]);
        }
        op.runFloat32(gf, sf, p == null ? null : LeafBuffers.readFloats(p), 0, gf.length);
        out[i] = LeafBuffers.writeFloats(gf, g.shape());
        for (int t = 0; t < k; t++) {
          newStates[t][i] = LeafBuffers.writeFloats(sf[t], g.shape());
        }
        continue;
      }
      double[] gd = LeafBuffers.read(g);
      double[][] sd = new double[k][];
      DataType outType = g.dataType();
      for (int t = 0; t < k; t++) {
        sd[t] = LeafBuffers.read(s[t]);
        outType = FloatTypes.promote(outType, s[t].dataType());
      }
      if (p != null) {
        outType = FloatTypes.promote(outType, p.dataType());
      }
      op.runFloat64(gd, sd, p == null ? null : LeafBuffers.read(p), 0, gd.length);
      out[i] = LeafBuffers.write(gd, g.shape(), outType);
      for (int t = 0; t < k; t++) {
        DataType given = stateDtypes == null ? null : stateDtypes.get(t);
        DataType stored = given != null ? given : FloatTypes.promote(g.dataType(), s[t].dataType());
        newStates[t][i] = LeafBuffers.write(sd[t], g.shape(), stored);
      }
    }
    List<Object> trees = new ArrayList<>(k);
    for (int t = 0; t < k; t++) {
      trees.add(u.unflatten(newStates[t]));
    }
    return new Result(u.unflatten(out), trees);
  }

  /** {@link #run} with every state tree stored in the dtype its arithmetic gives. */
  static Result run(ElementwiseOp op, Object updates, List<Object> stateTrees) {
    return run(op, updates, stateTrees, null, null);
  }
}
