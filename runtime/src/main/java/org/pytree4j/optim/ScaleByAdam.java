package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.B1;
import static org.pytree4j.optim.Hyperparam.B2;
import static org.pytree4j.optim.Hyperparam.EPS;
import static org.pytree4j.optim.Hyperparam.EPS_ROOT;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.KeyPath;
import org.pytree4j.optim.kernels.AdamOp;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code scale_by_adam(b1=0.9, b2=0.999, eps=1e-8, eps_root=0.0, mu_dtype=None, *, nesterov=False)}.
 * With {@code t = count + 1} (saturating), per element ({@link AdamOp}):
 * <pre>
 *   mu = (1 - b1) g + b1 mu            nu = (1 - b2) g^2 + b2 nu
 *   mu_hat = mu / (1 - b1^t)           (nesterov: b1 mu / (1 - b1^(t+1)) + (1 - b1) g / (1 - b1^t))
 *   nu_hat = nu / (1 - b2^t)
 *   u = mu_hat / (sqrt(nu_hat + eps_root) + eps)
 * </pre>
 * State: {@link ScaleByAdamState}; {@code mu} is stored in {@code mu_dtype} (when given), {@code nu}
 * in the dtype it had. A None update gives a None update and None moments, as in Optax.
 * Hyperparameters: {@code b1}, {@code b2}, {@code eps}, {@code eps_root}; static: {@code mu_dtype},
 * {@code nesterov}.
 */
public final class ScaleByAdam extends InjectableTransformation<ScaleByAdam> {
  static final List<Hyperparam> NAMES = List.of(B1, B2, EPS, EPS_ROOT);
  private static final KeyPath MU = KeyPath.root().attr("mu");
  private static final KeyPath NU = KeyPath.root().attr("nu");

  private final DataType muDtype;
  private final boolean nesterov;

  ScaleByAdam(Map<Hyperparam, ?> values, DataType muDtype, boolean nesterov) {
    super("scale_by_adam", NAMES, values);
    this.muDtype = FloatTypes.requireFloatingOrNull(muDtype, "mu_dtype");
    this.nesterov = nesterov;
  }

  /** Optax's defaults: {@code b1=0.9, b2=0.999, eps=1e-8, eps_root=0.0}. */
  static Map<Hyperparam, Object> defaults() {
    return Map.of(B1, 0.9, B2, 0.999, EPS, 1e-8, EPS_ROOT, 0.0);
  }

  public ScaleByAdam b1(double b1) {
    return with(B1, b1);
  }

  public ScaleByAdam b1(Schedule b1) {
    return with(B1, b1);
  }

  public ScaleByAdam b2(double b2) {
    return with(B2, b2);
  }

  public ScaleByAdam b2(Schedule b2) {
    return with(B2, b2);
  }

  public ScaleByAdam eps(double eps) {
    return with(EPS, eps);
  }

  public ScaleByAdam eps(Schedule eps) {
    return with(EPS, eps);
  }

  public ScaleByAdam epsRoot(double epsRoot) {
    return with(EPS_ROOT, epsRoot);
  }

  public ScaleByAdam epsRoot(Schedule epsRoot) {
    return with(EPS_ROOT, epsRoot);
  }

  /** The dtype {@code mu} is stored in; null (the default) keeps the dtype of params and updates. */
  public ScaleByAdam muDtype(DataType muDtype) {
    return new ScaleByAdam(hyperparams(), muDtype, nesterov);
  }

  /** Nesterov momentum (Dozat 2016): Optax's {@code nadam}. */
  public ScaleByAdam nesterov(boolean nesterov) {
    return new ScaleByAdam(hyperparams(), muDtype, nesterov);
  }

  @Override
  ScaleByAdam withHyperparams(Map<Hyperparam, Object> values) {
    return new ScaleByAdam(values, muDtype, nesterov);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new ScaleByAdamState(0, UpdateTrees.zerosLike(params, muDtype), UpdateTrees.zerosLike(params, null));
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    ScaleByAdamState s = stateAs(state, ScaleByAdamState.class, "scale_by_adam");
    UpdateTrees.Flat u = UpdateTrees.flatten(updates, "updates");
    UpdateTrees.stateLeaves(u, s.mu(), MU);
    UpdateTrees.stateLeaves(u, s.nu(), NU);
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    ScaleByAdamState s = (ScaleByAdamState) state;
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    List<Object> mus = u.def.flattenUpTo(s.mu());
    List<Object> nus = u.def.flattenUpTo(s.nu());
    int count = Numerics.safeIncrement(s.count());
    AdamOp op = op(count);
    Object[] out = new Object[u.size()];
    Object[] newMu = new Object[u.size()];
    Object[] newNu = new Object[u.size()];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (g == null) {
        continue;
      }
      INDArray mu = (INDArray) mus.get(i);
      INDArray nu = (INDArray) nus.get(i);
      if (LeafBuffers.allFloat32(g, mu, nu) && (muDtype == null || muDtype == DataType.FLOAT)) {
        float[] gf = LeafBuffers.readFloats(g);
        float[] mf = LeafBuffers.readFloats(mu);
        float[] nf = LeafBuffers.readFloats(nu);
        op.runFloat32(gf, new float[][] {mf, nf}, null, 0, gf.length);
        out[i] = LeafBuffers.writeFloats(gf, g.shape());
        newMu[i] = LeafBuffers.writeFloats(mf, g.shape());
        newNu[i] = LeafBuffers.writeFloats(nf, g.shape());
        continue;
      }
      double[] gd = LeafBuffers.read(g);
      double[] md = LeafBuffers.read(mu);
      double[] nd = LeafBuffers.read(nu);
      op.runFloat64(gd, new double[][] {md, nd}, null, 0, gd.length);
      DataType muType = FloatTypes.promote(g.dataType(), mu.dataType());
      DataType nuType = FloatTypes.promote(g.dataType(), nu.dataType());
      out[i] = LeafBuffers.write(gd, g.shape(), FloatTypes.promote(muType, nuType));
      newMu[i] = LeafBuffers.write(md, g.shape(), muDtype != null ? muDtype : muType);
      newNu[i] = LeafBuffers.write(nd, g.shape(), nu.dataType());
    }
    return new UpdateResult(u.unflatten(out), new ScaleByAdamState(count, u.unflatten(newMu), u.unflatten(newNu)));
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    if (muDtype != null && muDtype != DataType.FLOAT) {
      return null;
    }
    ScaleByAdamState s = (ScaleByAdamState) state;
    int count = Numerics.safeIncrement(s.count());
    return FusedPart.of(op(count), List.of(s.mu(), s.nu()),
        trees -> new ScaleByAdamState(count, trees.get(0), trees.get(1)));
  }

  /** The per-element step {@code t} (the incremented count): Optax's bias corrections for it. */
  AdamOp op(int t) {
    double b1 = constant(B1);
    double b2 = constant(B2);
    return new AdamOp(b1, b2, constant(EPS), constant(EPS_ROOT),
        1 - Math.pow(b1, t), 1 - Math.pow(b2, t), 1 - Math.pow(b1, Numerics.safeIncrement(t)), nesterov);
  }

  @Override
  String staticsString() {
    return (muDtype == null ? "" : "mu_dtype=" + FloatTypes.name(muDtype) + (nesterov ? ", " : ""))
        + (nesterov ? "nesterov=true" : "");
  }
}
