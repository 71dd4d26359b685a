package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.EPS;
import static org.pytree4j.optim.Hyperparam.MIN_NORM;
import static org.pytree4j.optim.Hyperparam.TRUST_COEFFICIENT;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code scale_by_trust_ratio(min_norm=0.0, trust_coefficient=1.0, eps=0.0)}: each leaf's
 * update scaled by its trust ratio (lars, lamb). Per leaf, with {@code safe_norm(x) = max(|x|, min_norm)}
 * ({@code |x|} the leaf's L2 norm):
 * <pre>
 *   ratio = trust_coefficient * safe_norm(p) / (safe_norm(u) + eps)
 *   u = u * (safe_norm(p) == 0 or safe_norm(u) == 0 ? 1 : ratio)
 * </pre>
 * Needs the params. State: {@link EmptyState}. Hyperparameters: {@code min_norm},
 * {@code trust_coefficient}, {@code eps}.
 *
 * <p>Not part of the fused step: each leaf's ratio needs the norm of that leaf's updates, which in
 * lamb are the Adam updates computed in the same step (see docs/optimizers.md).
 */
public final class ScaleByTrustRatio extends InjectableTransformation<ScaleByTrustRatio> {
  static final List<Hyperparam> NAMES = List.of(MIN_NORM, TRUST_COEFFICIENT, EPS);

  ScaleByTrustRatio(Map<Hyperparam, ?> values) {
    super("scale_by_trust_ratio", NAMES, values);
  }

  /** Optax's defaults: {@code min_norm=0.0, trust_coefficient=1.0, eps=0.0}. */
  static Map<Hyperparam, Object> defaults() {
    return Map.of(MIN_NORM, 0.0, TRUST_COEFFICIENT, 1.0, EPS, 0.0);
  }

  public ScaleByTrustRatio minNorm(double minNorm) {
    return with(MIN_NORM, minNorm);
  }

  public ScaleByTrustRatio minNorm(Schedule minNorm) {
    return with(MIN_NORM, minNorm);
  }

  public ScaleByTrustRatio trustCoefficient(double trustCoefficient) {
    return with(TRUST_COEFFICIENT, trustCoefficient);
  }

  public ScaleByTrustRatio trustCoefficient(Schedule trustCoefficient) {
    return with(TRUST_COEFFICIENT, trustCoefficient);
  }

  public ScaleByTrustRatio eps(double eps) {
    return with(EPS, eps);
  }

  public ScaleByTrustRatio eps(Schedule eps) {
    return with(EPS, eps);
  }

  @Override
  ScaleByTrustRatio withHyperparams(Map<Hyperparam, Object> values) {
    return new ScaleByTrustRatio(values);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new EmptyState();
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    stateAs(state, EmptyState.class, "scale_by_trust_ratio");
    UpdateTrees.paramsLeaves(UpdateTrees.flatten(updates, "updates"), params, "scale_by_trust_ratio");
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    double minNorm = constant(MIN_NORM);
    double coefficient = constant(TRUST_COEFFICIENT);
    double eps = constant(EPS);
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
        float min = (float) minNorm;
        float paramNorm = Math.max(LeafNorms.norm(LeafBuffers.readFloats(p)), min);
        float updateNorm = Math.max(LeafNorms.norm(uf), min);
        float ratio = ((float) coefficient * paramNorm) / (updateNorm + (float) eps);
        float safe = paramNorm == 0f || updateNorm == 0f ? 1f : ratio;
        for (int k = 0; k < uf.length; k++) {
          uf[k] = uf[k] * safe;
        }
        out[i] = LeafBuffers.writeFloats(uf, g.shape());
        continue;
      }
      double[] ud = LeafBuffers.read(g);
      double paramNorm = Math.max(LeafNorms.norm(LeafBuffers.read(p)), minNorm);
      double updateNorm = Math.max(LeafNorms.norm(ud), minNorm);
      double safe = paramNorm == 0 || updateNorm == 0 ? 1 : (coefficient * paramNorm) / (updateNorm + eps);
      for (int k = 0; k < ud.length; k++) {
        ud[k] = ud[k] * safe;
      }
      out[i] = LeafBuffers.write(ud, g.shape(), FloatTypes.promote(g.dataType(), p.dataType()));
    }
    return new UpdateResult(u.unflatten(out), state);
  }
}
