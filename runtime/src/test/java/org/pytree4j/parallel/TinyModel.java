package org.pytree4j.parallel;

import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;
import org.pytree4j.grad.Graph;
import org.pytree4j.grad.LossFn;

/** A two-layer MLP classifier and batches that are a function of (seed, step) only, so a resumed run sees the same data. */
final class TinyModel {
  static final int IN = 3;
  static final int HIDDEN = 8;
  static final int CLASSES = 4;

  private TinyModel() {}

  static final LossFn<Mlp, Shard> LOSS = (g, p, b) -> {
    SDVariable h = g.sd().math.tanh(dense(g, p.hidden(), g.var(b.x())));
    SDVariable logits = g.output("logits", dense(g, p.out(), h));
    return g.var(b.y()).mul(g.sd().nn.logSoftmax(logits)).sum(1).mean().neg();
  };

  private static SDVariable dense(Graph g, Dense d, SDVariable x) {
    return x.mmul(g.var(d.kernel())).add(g.var(d.bias()));
  }

  static Mlp params(long seed, DataType type) {
    Random rng = new Random(seed);
    return new Mlp(new Dense(randn(rng, type, IN, HIDDEN), randn(rng, type, HIDDEN)),
        new Dense(randn(rng, type, HIDDEN, CLASSES), randn(rng, type, CLASSES)), "tanh");
  }

  /** The whole batch of a step: {@code rows} rows drawn from (seed, step). */
  static Shard batch(long seed, long step, int rows, DataType type) {
    Random rng = new Random(seed * 1_000_003 + step);
    INDArray x = randn(rng, type, rows, IN);
    INDArray y = Nd4j.zeros(type, rows, CLASSES);
    for (int i = 0; i < rows; i++) {
      y.putScalar(i, rng.nextInt(CLASSES), 1.0);
    }
    return new Shard(x, y);
  }

  /** Rows {@code [rank * n / size, (rank + 1) * n / size)} of a batch. */
  static Shard shard(Shard batch, int rank, int size) {
    long rows = batch.x().size(0);
    long from = rank * rows / size;
    long to = (rank + 1) * rows / size;
    return new Shard(batch.x().get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup(),
        batch.y().get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup());
  }

  static INDArray randn(Random rng, DataType type, long... shape) {
    INDArray a = Nd4j.create(type, shape);
    for (long i = 0; i < a.length(); i++) {
      a.putScalar(i, rng.nextGaussian() * 0.5);
    }
    return a;
  }
}
