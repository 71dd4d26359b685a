package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.MIN_SCALE;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code scale_by_param_block_rms(min_scale=1e-3)}: each leaf's update scaled by the root
 * mean square of its param, at least {@code min_scale} (adafactor's
 * {@code multiply_by_parameter_scale}). Per leaf: {@code u = u * max(sqrt(mean(p^2)), min_scale)}.
 * Needs the params. State: {@link EmptyState}. Hyperparameter: {@code min_scale}.
 */
public final class ScaleByParamBlockRms extends InjectableTransformation<ScaleByParamBlockRms> {
  ScaleByParamBlockRms(Map<Hyperparam, ?> values) {
    super("scale_by_param_block_rms", List.of(MIN_SCALE), values);
  }

  public ScaleByParamBlockRms minScale(double minScale) {
    return with(MIN_SCALE, minScale);
  }

  public ScaleByParamBlockRms minScale(Schedule minScale) {
    return with(MIN_SCALE, minScale);
  }

  @Override
  ScaleByParamBlockRms withHyperparams(Map<Hyperparam, Object> values) {
    return new ScaleByParamBlockRms(values);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new EmptyState();
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    stateAs(state, EmptyState.class, "scale_by_param_block_rms");
    UpdateTrees.paramsLeaves(UpdateTrees.flatten(updates, "updates"), params, "scale_by_param_block_rms");
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    double minScale = constant(MIN_SCALE);
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    List<Object> ps = u.def.flattenUpTo(params);
    Object[] out = new Object[u.size()];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (g == null) {
        continue;
      }
      INDArray p = (INDArray) ps.get(i);
      if (LeafBuffers.allFloat32(g, p)) {
        float[] uf = LeafBuffers.readFloats(g);
        float rms = LeafNorms.rms(LeafBuffers.readFloats(p));
        float scale = rms <= (float) minScale ? (float) minScale : rms;
        for (int k = 0; k < uf.length; k++) {
          uf[k] = uf[k] * scale;
        }
        out[i] = LeafBuffers.writeFloats(uf, g.shape());
        continue;
      }
      double[] ud = LeafBuffers.read(g);
      double rms = LeafNorms.rms(LeafBuffers.read(p));
      double scale = rms <= minScale ? minScale : rms;
      for (int k = 0; k < ud.length; k++) {
        ud[k] = ud[k] * scale;
      }
      out[i] = LeafBuffers.write(ud, g.shape(), FloatTypes.promote(g.dataType(), p.dataType()));
    }
    return new UpdateResult(u.unflatten(out), state);
  }
}
