package org.pytree4j.optim;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyPath;
import org.pytree4j.TreeMismatchException;
import org.pytree4j.optim.kernels.ApplyUpdatesKernel;

/**
 * Optax's {@code apply_updates(params, updates)}: {@code p + u} for every leaf, cast back to the
 * param's dtype (a bfloat16, float16, float32 or float64 param stays so). A None param stays None
 * whatever the update is there, as Optax's {@code is_leaf=lambda x: x is None}.
 */
final class ApplyUpdates {
  private ApplyUpdates() {}

  static <P> P apply(P params, Object updates) {
    UpdateTrees.Flat p = UpdateTrees.flatten(params, "params");
    List<Object> us;
    try {
      us = p.def.flattenUpTo(updates);
    } catch (TreeMismatchException e) {
      KeyPath path = e.path();
      throw OptimizerInputException.atPath("updates do not match the params", path,
          "the params have " + Subtrees.describe(Subtrees.at(params, path)) + " but the updates have "
              + Subtrees.describe(Subtrees.at(updates, path)));
    }
    for (int i = 0; i < p.size(); i++) {
      INDArray param = p.array(i);
      Object u = us.get(i);
      if (param == null) {
        continue;
      }
      if (!(u instanceof INDArray update) || !FloatTypes.isFloating(update.dataType())) {
        throw OptimizerInputException.atPath("updates do not match the params", p.path(i),
            "the params have " + FloatTypes.describe(param) + " but the updates have " + Subtrees.describe(u));
      }
      if (!Arrays.equals(param.shape(), update.shape())) {
        throw OptimizerInputException.atPath("updates do not match the params", p.path(i),
            "the params have " + FloatTypes.describe(param) + " but the updates have " + FloatTypes.describe(update));
      }
    }
    Object[] out = new Object[p.size()];
    for (int i = 0; i < out.length; i++) {
      INDArray param = p.array(i);
      if (param != null && LeafBuffers.allFloat32(param, (INDArray) us.get(i))) {
        float[] pf = LeafBuffers.readFloats(param);
        ApplyUpdatesKernel.runFloat32(pf, LeafBuffers.readFloats((INDArray) us.get(i)), 0, pf.length);
        out[i] = LeafBuffers.writeFloats(pf, param.shape());
      } else if (param != null) {
        double[] pd = LeafBuffers.read(param);
        ApplyUpdatesKernel.runFloat64(pd, LeafBuffers.read((INDArray) us.get(i)), 0, pd.length);
        out[i] = LeafBuffers.write(pd, param.shape(), param.dataType());
      }
    }
    return p.unflatten(out);
  }
}
