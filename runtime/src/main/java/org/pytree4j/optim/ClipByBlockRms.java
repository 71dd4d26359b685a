package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.THRESHOLD;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code clip_by_block_rms(threshold)}: each leaf's update scaled down so that its root mean
 * square is at most {@code threshold} (adafactor's {@code clipping_threshold}). Per leaf:
 * {@code u = u / max(1, sqrt(mean(u^2)) / threshold)}. State: {@link EmptyState}. Hyperparameter:
 * {@code threshold}.
 */
public final class ClipByBlockRms extends InjectableTransformation<ClipByBlockRms> {
  ClipByBlockRms(Map<Hyperparam, ?> values) {
    super("clip_by_block_rms", List.of(THRESHOLD), values);
  }

  public ClipByBlockRms threshold(double threshold) {
    return with(THRESHOLD, threshold);
  }

  public ClipByBlockRms threshold(Schedule threshold) {
    return with(THRESHOLD, threshold);
  }

  @Override
  ClipByBlockRms withHyperparams(Map<Hyperparam, Object> values) {
    return new ClipByBlockRms(values);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new EmptyState();
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    stateAs(state, EmptyState.class, "clip_by_block_rms");
    UpdateTrees.flatten(updates, "updates");
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    double threshold = constant(THRESHOLD);
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    Object[] out = new Object[u.size()];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (g == null) {
        continue;
      }
      if (LeafBuffers.allFloat32(g)) {
        float[] uf = LeafBuffers.readFloats(g);
        float denominator = Math.max(1f, LeafNorms.rms(uf) / (float) threshold);
        for (int k = 0; k < uf.length; k++) {
          uf[k] = uf[k] / denominator;
        }
        out[i] = LeafBuffers.writeFloats(uf, g.shape());
        continue;
      }
      double[] ud = LeafBuffers.read(g);
      double denominator = Math.max(1, LeafNorms.rms(ud) / threshold);
      for (int k = 0; k < ud.length; k++) {
        ud[k] = ud[k] / denominator;
      }
      out[i] = LeafBuffers.write(ud, g.shape(), g.dataType());
    }
    return new UpdateResult(u.unflatten(out), state);
  }
}
