package org.pytree4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.pytree4j.grad.Graph;

/**
 * {@code flax.linen.Dropout} for a graph:
 *
 * <pre>{@code
 * // Flax: x = nn.Dropout(rate=0.5, deterministic=not training)(x)
 * SDVariable y = new Dropout(0.5).apply(g, x, !train);
 * }</pre>
 *
 * <p>When not deterministic it keeps each element with probability {@code keep = 1 - rate}, scaled by
 * {@code 1 / keep}, and zeroes the others: {@code y = (x / keep) * mask}, the mask drawn per call as
 * {@code jax.random.bernoulli(key, keep, x.shape)} from the call's PRNG key ({@link Graph#bernoulli}), so
 * that a fixed key gives a fixed mask. Deterministic, or with rate 0, it returns {@code x}.
 *
 * @param rate the probability of zeroing an element, in {@code [0, 1]}
 */
public record Dropout(double rate) {
  public Dropout {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("Dropout's rate must be in [0, 1], not " + rate);
    }
  }

  /**
   * The dropped-out {@code x}, or {@code x} itself when {@code deterministic}.
   *
   * @param deterministic true in evaluation (Flax's {@code deterministic=not training})
   */
  public SDVariable apply(Graph g, SDVariable x, boolean deterministic) {
    if (deterministic || rate == 0) {
      return x;
    }
    if (rate == 1) {
      return x.mul(0);   // Flax returns zeros_like(x)
    }
    double keep = 1 - rate;
    return x.div(keep).mul(g.bernoulli(keep, x));
  }
}
