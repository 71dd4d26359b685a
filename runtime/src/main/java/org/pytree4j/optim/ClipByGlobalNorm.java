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
 * float32 leaves each chunk of {@value #CHUNK} squares is first summed pairwise in float32.
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
    return new FusedPart(List.of(new FusedPart.Stage(null, 0, true, constant(MAX_NORM))), List.of(), trees -> state);
  }

  /** Optax's trigger: the updates are scaled unless {@code g_norm < max_norm}. */
  static boolean clips(double norm, double maxNorm) {
    return !(norm < maxNorm);
  }

  /**
   * The sum of squares of a float32 leaf (elements {@code [from, to)}, {@code from} the leaf's start):
   * squares and sums in float32 pairwise within chunks of {@value #CHUNK} elements, the chunk sums
   * added in order in float64. Deterministic, so that a pass split across threads gives the same bits.
   */
  static double sumOfSquares(float[] g, int from, int to) {
    float[] a = new float[CHUNK];
    float[] b = new float[CHUNK / 2];
    double sum = 0;
    for (int start = from; start < to; start += CHUNK) {
      sum += chunkSumOfSquares(g, start, Math.min(CHUNK, to - start), a, b);
    }
    return sum;
  }

  /** Elements per chunk of {@link #sumOfSquares(float[], int, int)}. */
  static final int CHUNK = 1024;

  /**
   * The float32 pairwise sum of {@code g[from]^2 .. g[from+n-1]^2} ({@code n <= CHUNK}), using the
   * scratch arrays {@code a} ({@code CHUNK}) and {@code b} ({@code CHUNK / 2}).
   */
  static float chunkSumOfSquares(float[] g, int from, int n, float[] a, float[] b) {
    int width = Integer.highestOneBit(Math.max(n, 1));
    if (width < n) {
      width <<= 1;
    }
    for (int i = 0; i < n; i++) {
      float x = g[from + i];
      a[i] = x * x;
    }
    for (int i = n; i < width; i++) {
      a[i] = 0f;
    }
    float[] src = a;
    float[] dst = b;
    for (int half = width >> 1; half >= 1; half >>= 1) {
      for (int i = 0; i < half; i++) {
        dst[i] = src[i] + src[i + half];
      }
      float[] t = src;
      src = dst;
      dst = t;
    }
    return src[0];
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
