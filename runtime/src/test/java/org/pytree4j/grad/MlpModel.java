package org.pytree4j.grad;

import static org.pytree4j.grad.GradAssertions.oneHot;
import static org.pytree4j.grad.GradAssertions.randn;

import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.pytree4j.examples.Dense;
import org.pytree4j.examples.Mlp;

/** The two-layer MLP classifier the tests train: softmax cross-entropy on one-hot targets. */
final class MlpModel {
  static final int IN = 3;
  static final int HIDDEN = 5;
  static final int CLASSES = 4;

  private MlpModel() {}

  static SDVariable dense(Graph g, Dense d, SDVariable x) {
    return x.mmul(g.var(d.kernel())).add(g.var(d.bias()));
  }

  /** Reads the static activation of the params: the graph is built for that one. */
  static SDVariable logits(Graph g, Mlp p, SDVariable x) {
    SDVariable h = dense(g, p.hidden(), x);
    h = p.activation().equals("tanh") ? g.sd().math.tanh(h) : g.sd().nn.relu(h, 0);
    return g.output("logits", dense(g, p.out(), h));
  }

  static final LossFn<Mlp, Batch> LOSS = (g, p, b) ->
      g.var(b.y()).mul(g.sd().nn.logSoftmax(logits(g, p, g.var(b.x())))).sum(1).mean().neg();

  static Mlp params(Random rng, DataType type) {
    return new Mlp(
        new Dense(randn(rng, type, IN, HIDDEN), randn(rng, type, HIDDEN)),
        new Dense(randn(rng, type, HIDDEN, CLASSES), randn(rng, type, CLASSES)),
        "tanh");
  }

  static Batch batch(Random rng, DataType type, int rows) {
    return new Batch(randn(rng, type, rows, IN), oneHot(rng, type, rows, CLASSES));
  }
}
