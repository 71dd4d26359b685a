package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.MAX_NORM;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code clip_by_global_norm(max_norm)}: with {@code g_norm = sqrt(sum of g^2 over every
 * leaf)}, the updates are unchanged when {@code g_norm < max_norm} and otherwise each leaf becomes
 * {@code (g / g_norm) * max_norm}. State: {@link EmptyState}. Hyperparameter: {@code max_norm}.
 *
 * <p>The sum of squares is accumulated in float64 (Optax accumulates in the updates' dtype); for
 * float32 leaves each chunk of {@value #CHUNK} squares is first summed in float32.
 */
public final class ClipByGlobalNorm extends InjectableTransformation<ClipByGlobalNorm> {

  ClipByGlobalNorm(Map<Hyperparam, ?> values) {
    super("clip_by_global_norm", List.of(MAX_NORM), values);
  }

  public ClipByGlobalNorm maxNorm(double maxNorm) {
    return with(MAX_NORM, maxNorm);
  }

  public ClipByGlobalNorm maxNorm(Schedule maxNorm) {
    return with(MAX_NORM, maxNorm);
  }

  @Override
  ClipByGlobalNorm withHyperparams(Map<Hyperparam, Object> values) {
    return new ClipByGlobalNorm(values);
  }

  @Override
  public OptState init(Object params) {
    requireConstants();
    return new EmptyState();
  }

  @Override
  void check(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    requireConstants();
    stateAs(state, EmptyState.class, "clip_by_global_norm");
    UpdateTrees.flatten(updates, "updates");
  }

  @Override
  UpdateResult apply(Object updates, OptState state, Object params, Map<String, ?> extraArgs) {
    double maxNorm = constant(MAX_NORM);
    UpdateTrees.Flat u = UpdateTrees.flattenChecked(updates);
    Object[] leaves = new Object[u.size()];
    double sumOfSquares = 0;
    for (int i = 0; i < leaves.length; i++) {
      INDArray g = u.array(i);
      if (g != null && LeafBuffers.allFloat32(g)) {
        float[] gf = LeafBuffers.readFloats(g);
        leaves[i] = gf;
        sumOfSquares += sumOfSquares(gf, 0, gf.length);
      } else if (g != null) {
        double[] gd = LeafBuffers.read(g);
        leaves[i] = gd;
        sumOfSquares += sumOfSquares(gd, 0, gd.length);
      }
    }
    double norm = Math.sqrt(sumOfSquares);
    if (!clips(norm, maxNorm)) {
      return new UpdateResult(updates, state);
    }
    Object[] out = new Object[leaves.length];
    for (int i = 0; i < out.length; i++) {
      INDArray g = u.array(i);
      if (leaves[i] instanceof float[] gf) {
        kernel(gf, gf, 0, gf.length, norm, maxNorm);
        out[i] = LeafBuffers.writeFloats(gf, g.shape());
      } else if (leaves[i] instanceof double[] gd) {
        double[] od = new double[gd.length];
        kernel(gd, od, 0, od.length, norm, maxNorm);
        out[i] = LeafBuffers.write(od, g.shape(), g.dataType());
      }
    }
    return new UpdateResult(u.unflatten(out), state);
  }

  @Override
  FusedPart fuse(OptState state, Map<String, ?> extraArgs) {
    if (!(state instanceof EmptyState)) {
      return null;
    }
    return new FusedPart(List.of(FusedPart.Stage.globalNormClip(constant(MAX_NORM))), List.of(), trees -> state);
  }

  /** Optax's trigger: the updates are scaled unless {@code g_norm < max_norm}. */
  static boolean clips(double norm, double maxNorm) {
    return !(norm < maxNorm);
  }

  /**
   * The sum of squares of a float32 leaf (elements {@code [from, to)}, {@code from} the leaf's start):
   * squares summed in float32 within chunks of {@value #CHUNK} elements ({@link #chunkSumOfSquares}),
   * the chunk sums added in order in float64. Deterministic, so that a pass split across threads
   * gives the same bits.
   */
  static double sumOfSquares(float[] g, int from, int to) {
    float[] chunk = new float[CHUNK];
    float[] t = new float[CHUNK / 4];
    float[] u = new float[CHUNK / 8];
    double sum = 0;
    for (int start = from; start < to; start += CHUNK) {
      int n = Math.min(CHUNK, to - start);
      System.arraycopy(g, start, chunk, 0, n);
      java.util.Arrays.fill(chunk, n, CHUNK, 0f);
      sum += chunkSumOfSquares(chunk, t, u);
    }
    return sum;
  }

  /** Elements per chunk of {@link #sumOfSquares(float[], int, int)}. */
  static final int CHUNK = 1024;

  /**
   * The float32 sum of the squares of {@code x[0, CHUNK)} (zeros past the chunk's elements), in a
   * fixed order that vectorizes: four quarter-chunk squares added per position, then halving sums.
   * {@code t} ({@code CHUNK / 4}) and {@code u} ({@code CHUNK / 8}) are scratch.
   */
  static float chunkSumOfSquares(float[] x, float[] t, float[] u) {
    int q = CHUNK / 4;
    for (int j = 0; j < q; j++) {
      float x0 = x[j];
      float x1 = x[q + j];
      float x2 = x[2 * q + j];
      float x3 = x[3 * q + j];
      t[j] = (x0 * x0 + x1 * x1) + (x2 * x2 + x3 * x3);
    }
    for (int j = 0; j < 128; j++) {
      u[j] = t[j] + t[j + 128];
    }
    for (int j = 0; j < 64; j++) {
      t[j] = u[j] + u[j + 64];
    }
    for (int j = 0; j < 32; j++) {
      u[j] = t[j] + t[j + 32];
    }
    for (int j = 0; j < 16; j++) {
      t[j] = u[j] + u[j + 16];
    }
    for (int j = 0; j < 8; j++) {
      u[j] = t[j] + t[j + 8];
    }
    return ((u[0] + u[4]) + (u[2] + u[6])) + ((u[1] + u[5]) + (u[3] + u[7]));
  }

  /** The second pass in float32, when clipping: {@code out = (g / norm) * maxNorm}; {@code out} may be {@code g}. */
  static void kernel(float[] g, float[] out, int from, int to, double norm, double maxNorm) {
    float n = (float) norm;
    float m = (float) maxNorm;
    for (int i = from; i < to; i++) {
      out[i] = (g[i] / n) * m;
    }
  }

  /** The first pass: the sum of squares of {@code g[from..to)}. */
  static double sumOfSquares(double[] g, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += g[i] * g[i];
    }
    return sum;
  }

  /** The second pass, when clipping: {@code out = (g / norm) * maxNorm}. */
  static void kernel(double[] g, double[] out, int from, int to, double norm, double maxNorm) {
    for (int i = from; i < to; i++) {
      out[i] = (g[i] / norm) * maxNorm;
    }
  }
}
