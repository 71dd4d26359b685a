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
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code scale_by_adam(b1=0.9, b2=0.999, eps=1e-8, eps_root=0.0, mu_dtype=None, *, nesterov=False)}.
 * With {@code t = count + 1} (saturating), per element:
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
    Coefficients c = coefficients(count);
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
        float[] of = new float[gf.length];
        kernel(gf, mf, nf, of, 0, gf.length, c);
        out[i] = LeafBuffers.writeFloats(of, g.shape());
        newMu[i] = LeafBuffers.writeFloats(mf, g.shape());
        newNu[i] = LeafBuffers.writeFloats(nf, g.shape());
        continue;
      }
      double[] gd = LeafBuffers.read(g);
      double[] md = LeafBuffers.read(mu);
      double[] nd = LeafBuffers.read(nu);
      double[] od = new double[gd.length];
      kernel(gd, md, nd, od, 0, gd.length, c);
      DataType muType = FloatTypes.promote(g.dataType(), mu.dataType());
      DataType nuType = FloatTypes.promote(g.dataType(), nu.dataType());
      out[i] = LeafBuffers.write(od, g.shape(), FloatTypes.promote(muType, nuType));
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
    Coefficients c = coefficients(count);
    DirectKernels direct = DirectKernels.INSTANCE;
    return new FusedPart(List.of(FusedPart.Stage.of((u, st, p, n) -> kernel(u, st[0], st[1], u, 0, n, c), 2,
            direct == null ? null : (u, in, out, at, n) -> direct.adam(u, in[0], in[1], out[0], out[1], at, n, c))
            .withNative(NativeOp.adam(c))),
        List.of(s.mu(), s.nu()), trees -> new ScaleByAdamState(count, trees.get(0), trees.get(1)));
  }

  /** The scalars of one step {@code t} (the incremented count). */
  Coefficients coefficients(int t) {
    double b1 = constant(B1);
    double b2 = constant(B2);
    return new Coefficients(b1, b2, constant(EPS), constant(EPS_ROOT),
        1 - Math.pow(b1, t), 1 - Math.pow(b2, t), 1 - Math.pow(b1, Numerics.safeIncrement(t)), nesterov);
  }

  /**
   * The per-element arithmetic of one Adam step: reads {@code g}, {@code mu}, {@code nu}; writes
   * the new moments back into {@code mu}, {@code nu} (these are copies) and the update into {@code out}.
   */
  static void kernel(double[] g, double[] mu, double[] nu, double[] out, int from, int to, Coefficients c) {
    double b1 = c.b1;
    double b2 = c.b2;
    for (int i = from; i < to; i++) {
      double gi = g[i];
      double m = (1 - b1) * gi + b1 * mu[i];
      double v = (1 - b2) * (gi * gi) + b2 * nu[i];
      double mHat = c.nesterov ? b1 * (m / c.bc1Next) + (1 - b1) * (gi / c.bc1) : m / c.bc1;
      double vHat = v / c.bc2;
      out[i] = mHat / (Math.sqrt(vHat + c.epsRoot) + c.eps);
      mu[i] = m;
      nu[i] = v;
    }
  }

  /**
   * The same step in float32 arithmetic, as Optax computes float32 leaves: the scalars are rounded to
   * float32 once and every operation rounds to float32. {@code out} may be {@code g} (same index read first).
   */
  static void kernel(float[] g, float[] mu, float[] nu, float[] out, int from, int to, Coefficients c) {
    float b1 = (float) c.b1;
    float b2 = (float) c.b2;
    float oneMinusB1 = (float) (1 - c.b1);
    float oneMinusB2 = (float) (1 - c.b2);
    float bc1 = (float) c.bc1;
    float bc2 = (float) c.bc2;
    float eps = (float) c.eps;
    float epsRoot = (float) c.epsRoot;
    if (c.nesterov) {
      float bc1Next = (float) c.bc1Next;
      for (int i = from; i < to; i++) {
        float gi = g[i];
        float m = oneMinusB1 * gi + b1 * mu[i];
        float v = oneMinusB2 * (gi * gi) + b2 * nu[i];
        mu[i] = m;
        nu[i] = v;
        float mHat = b1 * (m / bc1Next) + oneMinusB1 * (gi / bc1);
        out[i] = mHat / ((float) Math.sqrt(v / bc2 + epsRoot) + eps);
      }
      return;
    }
    for (int i = from; i < to; i++) {
      float gi = g[i];
      float m = oneMinusB1 * gi + b1 * mu[i];
      float v = oneMinusB2 * (gi * gi) + b2 * nu[i];
      mu[i] = m;
      nu[i] = v;
      out[i] = (m / bc1) / ((float) Math.sqrt(v / bc2 + epsRoot) + eps);
    }
  }

  /** {@code bc1 = 1 - b1^t}, {@code bc2 = 1 - b2^t}, {@code bc1Next = 1 - b1^(t+1)}. */
  record Coefficients(double b1, double b2, double eps, double epsRoot, double bc1, double bc2, double bc1Next,
      boolean nesterov) {}

  @Override
  String staticsString() {
    return (muDtype == null ? "" : "mu_dtype=" + FloatTypes.name(muDtype) + (nesterov ? ", " : ""))
        + (nesterov ? "nesterov=true" : "");
  }
}
