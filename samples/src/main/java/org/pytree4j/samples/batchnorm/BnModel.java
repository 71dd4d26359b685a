package org.pytree4j.samples.batchnorm;

import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.PyTreeNode;
import org.pytree4j.grad.Graph;
import org.pytree4j.grad.LossWithAux;
import org.pytree4j.nn.BatchNorm;
import org.pytree4j.nn.BatchNormParams;
import org.pytree4j.nn.BatchNormStats;
import org.pytree4j.nn.Dropout;
import org.pytree4j.train.Variables;

/**
 * Flax's guide model with BatchNorm and Dropout, as a graph: {@code Dense -> BatchNorm -> relu ->
 * Dropout -> Dense}. Its variables are Flax's {@code {'params': ..., 'batch_stats': ...}}.
 *
 * <pre>{@code
 * class MLP(nn.Module):
 *   @nn.compact
 *   def __call__(self, x, train: bool):
 *     x = nn.Dense(features=32)(x)
 *     x = nn.BatchNorm(use_running_average=not train)(x)
 *     x = nn.relu(x)
 *     x = nn.Dropout(rate=0.1, deterministic=not train)(x)
 *     return nn.Dense(features=2)(x)
 * }</pre>
 */
public final class BnModel {
  static final BatchNorm BATCH_NORM = BatchNorm.defaults();
  static final Dropout DROPOUT = new Dropout(0.1);

  private BnModel() {}

  /** A dense layer, {@code x @ kernel + bias}. */
  @PyTreeNode
  public record Dense(INDArray kernel, INDArray bias) implements BnModel_DensePyTree.With {}

  /** The {@code params} collection. */
  @PyTreeNode
  public record Params(Dense hidden, BatchNormParams bn, Dense out) implements BnModel_ParamsPyTree.With {}

  /** The {@code batch_stats} collection: the BatchNorm layer's running mean and variance. */
  @PyTreeNode
  public record Stats(BatchNormStats bn) implements BnModel_StatsPyTree.With {}

  /** A batch: features {@code [n, 2]} and one-hot labels {@code [n, 2]}. */
  @PyTreeNode
  public record Batch(INDArray x, INDArray y) implements BnModel_BatchPyTree.With {}

  /**
   * What the loss function hands back besides the loss, as Flax's guide does with
   * {@code return loss, (logits, updates)}: the logits, for the metrics, and the new batch statistics.
   */
  @PyTreeNode
  public record Aux(INDArray logits, Stats batchStats) implements BnModel_AuxPyTree.With {}

  /** Glorot-uniform kernels, zero biases, BatchNorm's scale 1 and bias 0; running mean 0 and variance 1. */
  public static Variables<Params, Stats> init(int hidden, long seed) {
    Random random = new Random(seed);
    Params params = new Params(dense(2, hidden, random), BatchNorm.initParams(hidden, DataType.FLOAT),
        dense(hidden, 2, random));
    return new Variables<>(params, new Stats(BatchNorm.initStats(hidden, DataType.FLOAT)));
  }

  private static Dense dense(int in, int out, Random random) {
    double limit = Math.sqrt(6.0 / (in + out));
    float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
    }
    return new Dense(Nd4j.create(w, new long[] {in, out}, 'c'), Nd4j.zeros(DataType.FLOAT, out));
  }

  /** The model: {@code train} selects batch statistics and dropout (Flax's {@code train} argument). */
  public static SDVariable apply(Graph g, Variables<Params, Stats> v, SDVariable x, boolean train) {
    Params p = v.params();
    SDVariable h = dense(g, p.hidden(), x);
    h = BATCH_NORM.apply(g, p.bn(), v.batchStats().bn(), h, train);
    h = g.sd().nn.relu(h, 0);
    h = DROPOUT.apply(g, h, !train);
    return dense(g, p.out(), h);
  }

  /** Mean softmax cross-entropy of the training-mode model; aux: the logits and the updated batch statistics. */
  public static LossWithAux<Aux> loss(Graph g, Variables<Params, Stats> v, Batch batch) {
    SDVariable logits = apply(g, v, g.var(batch.x()), true);
    SDVariable loss = g.var(batch.y()).mul(g.sd().nn.logSoftmax(logits)).sum(1).mean().neg();
    return LossWithAux.of(loss, new Aux(g.aux(logits), g.updated(v.batchStats())));
  }

  private static SDVariable dense(Graph g, Dense d, SDVariable x) {
    return x.mmul(g.var(d.kernel())).add(g.var(d.bias()));
  }
}
