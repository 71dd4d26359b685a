package org.pytree4j.samples.moons;

import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.PyTreeNode;
import org.pytree4j.grad.Graph;

/** A two-layer MLP for the two-moons data: its params as pytree records, and its loss graph. */
public final class MoonsModel {
  /** The name of the logits output, used by {@code applyFn}. */
  public static final String LOGITS = "logits";

  private MoonsModel() {}

  /** A dense layer, {@code x @ kernel + bias}. */
  @PyTreeNode
  public record Dense(INDArray kernel, INDArray bias) implements MoonsModel_DensePyTree.With {}

  /** The model's params: flax's {@code {'params': {'hidden': ..., 'out': ...}}} as a record. */
  @PyTreeNode
  public record MlpParams(Dense hidden, Dense out) implements MoonsModel_MlpParamsPyTree.With {}

  /** A batch: features {@code [n, 2]} and one-hot labels {@code [n, 2]}. */
  @PyTreeNode
  public record Batch(INDArray x, INDArray y) implements MoonsModel_BatchPyTree.With {
    static Batch of(TwoMoons data) {
      return new Batch(data.features(), data.labels());
    }
  }

  /** Glorot-uniform kernels and zero biases, from {@code seed}. */
  public static MlpParams init(int hidden, long seed) {
    Random random = new Random(seed);
    return new MlpParams(dense(2, hidden, random), dense(hidden, 2, random));
  }

  private static Dense dense(int in, int out, Random random) {
    double limit = Math.sqrt(6.0 / (in + out));
    float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
    }
    return new Dense(Nd4j.create(w, new long[] {in, out}, 'c'), Nd4j.zeros(DataType.FLOAT, out));
  }

  /** Mean softmax cross-entropy; the logits are a named output so {@code applyFn} can run the model. */
  public static SDVariable loss(Graph g, MlpParams p, Batch batch) {
    SDVariable hidden = g.sd().math.tanh(layer(g, p.hidden(), g.var(batch.x())));
    SDVariable logits = g.output(LOGITS, layer(g, p.out(), hidden));
    return g.var(batch.y()).mul(g.sd().nn.logSoftmax(logits)).sum(1).mean().neg();
  }

  private static SDVariable layer(Graph g, Dense d, SDVariable x) {
    return x.mmul(g.var(d.kernel())).add(g.var(d.bias()));
  }
}
