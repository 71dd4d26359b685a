package org.pytree4j.benchmarks;

import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.flatten;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.lion;

import java.util.Map;
import java.util.SortedMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.train.ApplyFn;
import org.pytree4j.train.TrainState;
import org.pytree4j.train.TrainStatePyTree;

/** A train state and fixed gradients for the step benchmarks. */
final class Steps {
  static final ApplyFn<SortedMap<String, INDArray>> APPLY = (params, x) -> x;

  private Steps() {}

  /**
   * {@code "adam"}: {@code adam(1e-3)}; {@code "clip+inject(adam)"}: {@code chain(clipByGlobalNorm(1), injectHyperparams(adam(1e-3)))};
   * {@code "flatten(adam)"}: {@code flatten(adam(1e-3))}; {@code "lion"}: {@code lion(1e-4)}, whose op is a
   * Custom one, run by the engine's Java pass.
   */
  static GradientTransformation tx(String name) {
    return switch (name) {
      case "adam" -> adam(1e-3);
      case "clip+inject(adam)" -> chain(clipByGlobalNorm(1.0), injectHyperparams(adam(1e-3)));
      case "flatten(adam)" -> flatten(adam(1e-3));
      case "lion" -> lion(1e-4);
      default -> throw new IllegalArgumentException(name);
    };
  }

  static TrainState<SortedMap<String, INDArray>> state(long total, int leaves, GradientTransformation tx) {
    return TrainStatePyTree.create(APPLY, Trees.params(total, leaves, 7), tx);
  }

  static SortedMap<String, INDArray> grads(Map<String, INDArray> params) {
    return Trees.gradsLike(params, 11);
  }
}
