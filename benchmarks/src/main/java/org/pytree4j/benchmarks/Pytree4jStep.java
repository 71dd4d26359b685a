package org.pytree4j.benchmarks;

import static org.pytree4j.optim.Optax.adamw;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.PyTreeNode;
import org.pytree4j.grad.Grad;
import org.pytree4j.grad.Graph;
import org.pytree4j.grad.LossAndGrads;
import org.pytree4j.grad.ValueAndGradFn;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.train.TrainState;
import org.pytree4j.train.TrainStatePyTree;

/**
 * pytree4j's step as a user writes it: {@code valueAndGrad} on the loss graph, then
 * {@code state.applyGradients(grads)} with {@code chain(clipByGlobalNorm(1), adamw(1e-3, 1e-4))}; each
 * step donates the previous step's gradients ({@code applyDonating}), or with {@code freshGradients}
 * gets new ones ({@code apply}); with {@code donateState} it also donates the state
 * ({@code applyGradientsDonating}: params and moments updated in place, as PyTorch's optimizer does).
 */
final class Pytree4jStep implements TrainingStep {
  @PyTreeNode
  record Dense(INDArray kernel, INDArray bias) implements Pytree4jStep_DensePyTree.With {}

  @PyTreeNode
  record Mlp(List<Dense> layers) implements Pytree4jStep_MlpPyTree.With {}

  @PyTreeNode
  record Batch(INDArray x, INDArray y) implements Pytree4jStep_BatchPyTree.With {}

  static GradientTransformation optimizer() {
    return chain(clipByGlobalNorm(1.0), adamw(1e-3).weightDecay(1e-4));
  }

  private final ValueAndGradFn<Mlp, Batch> lossAndGrad;
  private final Batch batch;
  private final boolean freshGradients;
  private final boolean donateState;
  private TrainState<Mlp> state;
  private LossAndGrads<Mlp> last;

  Pytree4jStep(MlpTask task, boolean freshGradients) {
    this(task, freshGradients, false);
  }

  Pytree4jStep(MlpTask task, boolean freshGradients, boolean donateState) {
    this.freshGradients = freshGradients;
    this.donateState = donateState;
    List<float[]> weights = task.initialWeights();
    List<Dense> layers = new ArrayList<>();
    for (int l = 0; l < task.layers(); l++) {
      layers.add(new Dense(task.kernel(weights, l), task.bias(weights, l)));
    }
    Mlp params = new Mlp(List.copyOf(layers));
    batch = new Batch(task.x(), task.y());
    lossAndGrad = Grad.valueAndGrad(Pytree4jStep::loss, params, batch);
    state = TrainStatePyTree.create(lossAndGrad.applyFn("logits"), params, optimizer());
  }

  static SDVariable loss(Graph g, Mlp p, Batch b) {
    SDVariable h = g.var(b.x());
    for (int l = 0; l < p.layers().size(); l++) {
      Dense d = p.layers().get(l);
      h = h.mmul(g.var(d.kernel())).add(g.var(d.bias()));
      h = l < p.layers().size() - 1 ? g.sd().math.tanh(h) : g.output("logits", h);
    }
    return g.var(b.y()).mul(g.sd().nn.logSoftmax(h)).sum(1).mean().neg();
  }

  /** The gradient call alone, on the initial params, every step: no optimizer. */
  TrainingStep gradientsOnly() {
    return () -> {
      last = last == null ? lossAndGrad.apply(state.params(), batch)
          : lossAndGrad.applyDonating(state.params(), batch, last.grads());
      return last.loss();
    };
  }

  @Override
  public double step() {
    LossAndGrads<Mlp> out = last == null || freshGradients
        ? lossAndGrad.apply(state.params(), batch)
        : lossAndGrad.applyDonating(state.params(), batch, last.grads());
    state = donateState ? state.applyGradientsDonating(out.grads()) : state.applyGradients(out.grads());
    last = out;
    return out.loss();
  }
}
