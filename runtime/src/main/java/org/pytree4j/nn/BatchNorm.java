package org.pytree4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.grad.Graph;

/**
 * {@code flax.linen.BatchNorm} for a graph, over inputs of shape {@code [batch, features]}, with Flax's
 * defaults ({@code momentum=0.99}, {@code epsilon=1e-5}, {@code use_fast_variance=True}):
 *
 * <pre>{@code
 * // Flax: x = nn.BatchNorm(use_running_average=not train)(x)
 * SDVariable y = BatchNorm.defaults().apply(g, p.bn(), v.batchStats().bn(), x, train);
 * }</pre>
 *
 * <p>In training ({@code train = true}) it normalizes with the batch's statistics,
 * {@code mean = mean(x, 0)}, {@code var = max(0, mean(x * x, 0) - mean * mean)}, and records the new
 * running statistics {@code momentum * old + (1 - momentum) * batch} with {@link Graph#update} (Flax's
 * {@code mutable=['batch_stats']}; collect them with {@link Graph#updated}). In evaluation it normalizes
 * with the stored running statistics. Either way {@code y = (x - mean) * (rsqrt(var + epsilon) * scale) + bias},
 * in Flax's order of operations. Gradients flow through the batch's statistics, as in JAX.
 *
 * @param momentum the decay of the running averages
 * @param epsilon added to the variance before its inverse square root
 */
public record BatchNorm(double momentum, double epsilon) {
  /** Flax's default momentum. */
  public static final double MOMENTUM = 0.99;
  /** Flax's default epsilon. */
  public static final double EPSILON = 1e-5;

  public BatchNorm {
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException("BatchNorm's momentum must be in [0, 1], not " + momentum);
    }
    if (!(epsilon >= 0)) {
      throw new IllegalArgumentException("BatchNorm's epsilon must be non-negative, not " + epsilon);
    }
  }

  /** {@code nn.BatchNorm()}: momentum 0.99, epsilon 1e-5. */
  public static BatchNorm defaults() {
    return new BatchNorm(MOMENTUM, EPSILON);
  }

  /**
   * The normalized {@code x}.
   *
   * @param params the layer's scale and bias (leaves of the params)
   * @param stats the layer's running statistics (leaves of the batch statistics the loss function was given)
   * @param x {@code [batch, features]}
   * @param train true: batch statistics, and new running statistics recorded; false: the running statistics
   */
  public SDVariable apply(Graph g, BatchNormParams params, BatchNormStats stats, SDVariable x, boolean train) {
    SameDiff sd = g.sd();
    SDVariable mean;
    SDVariable var;
    if (train) {
      mean = x.mean(0);
      SDVariable meanOfSquares = x.mul(x).mean(0);
      var = sd.nn.relu(meanOfSquares.sub(mean.mul(mean)), 0);   // jnp.maximum(0, ...): round-off can go below 0
      g.update(stats.mean(), g.var(stats.mean()).mul(momentum).add(mean.mul(1 - momentum)));
      g.update(stats.var(), g.var(stats.var()).mul(momentum).add(var.mul(1 - momentum)));
    } else {
      mean = g.var(stats.mean());
      var = g.var(stats.var());
    }
    SDVariable mul = sd.math.rsqrt(var.add(epsilon)).mul(g.var(params.scale()));
    return x.sub(mean).mul(mul).add(g.var(params.bias()));
  }

  /** Flax's initial params: scale ones, bias zeros, of {@code features} values. */
  public static BatchNormParams initParams(long features, DataType type) {
    return new BatchNormParams(Nd4j.ones(type, features), Nd4j.zeros(type, features));
  }

  /** Flax's initial running statistics: mean zeros, var ones. */
  public static BatchNormStats initStats(long features, DataType type) {
    return new BatchNormStats(Nd4j.zeros(type, features), Nd4j.ones(type, features));
  }
}
