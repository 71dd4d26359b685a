package org.pytree4j.optim;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyPath;
import org.pytree4j.TreeMismatchException;

/**
 * Optax's {@code incremental_update} and {@code periodic_update} (optax/_src/update.py): a slow copy
 * of the params (an EMA, or target network) made from the params after each step. They are not part
 * of {@code tx.update}: they run on two param trees, after the step.
 */
final class TargetUpdates {
  private TargetUpdates() {}

  /**
   * {@code step_size * new + (1 - step_size) * old} for every leaf; float32 leaves in float32 with
   * {@code step_size} and {@code 1 - step_size} (computed in float64) rounded once, others in float64,
   * rounded once to their promoted dtype. None (null) in {@code newTensors} stays None.
   */
  static <T> T incremental(T newTensors, Object oldTensors, double stepSize) {
    if (Double.isNaN(stepSize)) {
      throw new IllegalArgumentException("incremental_update: step_size must not be NaN");
    }
    UpdateTrees.Flat n = UpdateTrees.flatten(newTensors, "new_tensors");
    List<Object> old;
    try {
      old = n.def.flattenUpTo(oldTensors);
    } catch (TreeMismatchException e) {
      KeyPath path = e.path();
      throw OptimizerInputException.atPath("old_tensors do not match new_tensors", path,
          "new_tensors have " + Subtrees.describe(Subtrees.at(newTensors, path)) + " but old_tensors have "
              + Subtrees.describe(Subtrees.at(oldTensors, path)));
    }
    for (int i = 0; i < n.size(); i++) {
      INDArray a = n.array(i);
      if (a == null) {
        continue;
      }
      Object o = old.get(i);
      if (!(o instanceof INDArray b) || !FloatTypes.isFloating(b.dataType())
          || !java.util.Arrays.equals(a.shape(), b.shape())) {
        throw OptimizerInputException.atPath("old_tensors do not match new_tensors", n.path(i),
            "new_tensors have " + FloatTypes.describe(a) + " but old_tensors have " + Subtrees.describe(o));
      }
    }
    Object[] out = new Object[n.size()];
    float s32 = (float) stepSize;
    float rest32 = (float) (1.0 - stepSize);
    for (int i = 0; i < out.length; i++) {
      INDArray a = n.array(i);
      if (a == null) {
        continue;
      }
      INDArray b = (INDArray) old.get(i);
      if (LeafBuffers.allFloat32(a, b)) {
        float[] x = LeafBuffers.readFloats(a);
        float[] y = LeafBuffers.readFloats(b);
        for (int k = 0; k < x.length; k++) {
          x[k] = s32 * x[k] + rest32 * y[k];
        }
        out[i] = LeafBuffers.writeFloats(x, a.shape());
      } else {
        double[] x = LeafBuffers.read(a);
        double[] y = LeafBuffers.read(b);
        for (int k = 0; k < x.length; k++) {
          x[k] = stepSize * x[k] + (1.0 - stepSize) * y[k];
        }
        DataType type = FloatTypes.promote(a.dataType(), b.dataType());
        out[i] = LeafBuffers.write(x, a.shape(), type);
      }
    }
    return n.unflatten(out);
  }

  /** {@code new_tensors} when {@code steps} is a multiple of {@code update_period} ({@code jnp.mod}, so also for negative steps), else {@code old_tensors}. */
  static <T> T periodic(T newTensors, T oldTensors, long steps, long updatePeriod) {
    if (updatePeriod == 0) {
      throw new IllegalArgumentException("periodic_update: update_period must not be 0");
    }
    return Math.floorMod(steps, updatePeriod) == 0 ? newTensors : oldTensors;
  }
}
