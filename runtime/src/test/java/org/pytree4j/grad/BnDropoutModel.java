package org.pytree4j.grad;

import static org.pytree4j.grad.GradAssertions.oneHot;
import static org.pytree4j.grad.GradAssertions.randn;

import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.examples.Dense;
import org.pytree4j.nn.BatchNorm;
import org.pytree4j.nn.BatchNormParams;
import org.pytree4j.nn.BatchNormStats;
import org.pytree4j.nn.Dropout;
import org.pytree4j.train.Variables;

/**
 * Flax's guide model for the tests: {@code Dense -> BatchNorm -> tanh -> Dropout -> Dense}, params
 * {@code {'hidden', 'bn', 'out'}}, batch statistics {@code {'bn'}}, aux {@code {'logits', 'batch_stats'}}.
 */
final class BnDropoutModel {
  static final int IN = 3;
  static final int HIDDEN = 6;
  static final int CLASSES = 4;

  private BnDropoutModel() {}

  static Map<String, Object> params(Random rng, DataType type) {
    BatchNormParams bn = new BatchNormParams(randn(rng, type, HIDDEN).muli(0.3).addi(1), randn(rng, type, HIDDEN).muli(0.3));
    return Map.of(
        "hidden", new Dense(randn(rng, type, IN, HIDDEN), randn(rng, type, HIDDEN)),
        "bn", bn,
        "out", new Dense(randn(rng, type, HIDDEN, CLASSES), randn(rng, type, CLASSES)));
  }

  static Map<String, Object> stats(Random rng, DataType type) {
    return Map.of("bn", new BatchNormStats(randn(rng, type, HIDDEN).muli(0.1),
        randn(rng, type, HIDDEN).muli(0.1).addi(1)));
  }

  static Batch batch(Random rng, DataType type, int rows) {
    return new Batch(randn(rng, type, rows, IN), oneHot(rng, type, rows, CLASSES));
  }

  static Variables<Map<String, Object>, Map<String, Object>> variables(Random rng, DataType type) {
    return new Variables<>(params(rng, type), stats(rng, type));
  }

  static SDVariable apply(Graph g, Variables<Map<String, Object>, Map<String, Object>> v, SDVariable x, boolean train,
      double dropoutRate) {
    Dense hidden = (Dense) v.params().get("hidden");
    Dense out = (Dense) v.params().get("out");
    SDVariable h = MlpModel.dense(g, hidden, x);
    h = BatchNorm.defaults().apply(g, (BatchNormParams) v.params().get("bn"), (BatchNormStats) v.batchStats().get("bn"),
        h, train);
    h = g.sd().math.tanh(h);
    h = new Dropout(dropoutRate).apply(g, h, !train);
    return MlpModel.dense(g, out, h);
  }

  /** The training-mode loss; aux: the logits and the updated batch statistics. */
  static AuxLossFn<Map<String, Object>, Map<String, Object>, Batch, Map<String, Object>> loss(double dropoutRate) {
    return (g, v, b) -> {
      SDVariable logits = apply(g, v, g.var(b.x()), true, dropoutRate);
      SDVariable loss = g.var(b.y()).mul(g.sd().nn.logSoftmax(logits)).sum(1).mean().neg();
      return LossWithAux.of(loss, Map.of("logits", g.aux(logits), "batch_stats", g.updated(v.batchStats())));
    };
  }

  static INDArray logits(Map<String, Object> aux) {
    return (INDArray) aux.get("logits");
  }
}
