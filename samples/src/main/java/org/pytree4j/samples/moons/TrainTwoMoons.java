package org.pytree4j.samples.moons;

import static org.pytree4j.optim.Optax.LEARNING_RATE;
import static org.pytree4j.optim.Optax.adamw;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;
import static org.pytree4j.optim.Optax.incrementalUpdate;
import static org.pytree4j.optim.Optax.injectHyperparams;
import static org.pytree4j.optim.Optax.multiSteps;
import static org.pytree4j.optim.schedule.Schedules.warmupCosineDecay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.grad.Grad;
import org.pytree4j.grad.LossAndGrads;
import org.pytree4j.grad.ValueAndGradFn;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.optim.MultiStepsState;
import org.pytree4j.samples.moons.MoonsModel.Batch;
import org.pytree4j.samples.moons.MoonsModel.MlpParams;

/**
 * Trains a two-layer MLP on a generated two-moons data set, the Flax way: params are pytree
 * records, gradients come from {@code valueAndGrad}, a custom train state applies them and keeps an
 * EMA of the params ({@code incrementalUpdate}), and the learning rate is read back from the
 * optimizer state. With {@code --accumulate K} the optimizer is wrapped in {@code multiSteps}:
 * gradient accumulation, each update on the mean gradient of K batches.
 */
public final class TrainTwoMoons {
  static final int TRAIN_SIZE = 2000;
  static final int TEST_SIZE = 1000;
  static final int BATCH_SIZE = 128;
  static final int HIDDEN = 32;
  static final double EMA_DECAY = 0.99;

  private TrainTwoMoons() {}

  /**
   * What a run produced.
   *
   * @param accuracy held-out accuracy of the trained params
   * @param emaAccuracy held-out accuracy of the EMA params
   * @param finalLoss training loss of the last batch
   * @param updates the optimizer's updates of the params: the steps, or with {@code --accumulate K}
   *     the gradient steps of its {@code MultiStepsState}
   * @param chart the PNG of loss and learning rate per step
   * @param trainingSeconds wall-clock time of the training steps (gradients, EMA, optimizer), the first included
   */
  public record Result(double accuracy, double emaAccuracy, double finalLoss, int updates, Path chart,
      double trainingSeconds) {}

  public static void main(String[] args) throws Exception {
    SampleOptions options;
    try {
      if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
        System.out.println(SampleOptions.USAGE);
        return;
      }
      options = SampleOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(SampleOptions.USAGE);
      System.exit(2);
      return;
    }
    Result result = run(options);
    System.out.printf("held-out accuracy: %.1f%% (params), %.1f%% (EMA of params), %d test points%n",
        100 * result.accuracy(), 100 * result.emaAccuracy(), TEST_SIZE);
    if (options.accumulate() > 1) {
      System.out.printf("%d optimizer updates, each on the mean gradient of %d batches%n", result.updates(),
          options.accumulate());
    }
    System.out.printf("%d steps in %.2f s%n", options.steps(), result.trainingSeconds());
    System.out.println("chart of loss and learning rate: " + result.chart().toAbsolutePath());
  }

  public static Result run(SampleOptions options) throws Exception {
    Nd4j.getRandom().setSeed(options.seed());
    TwoMoons all = TwoMoons.generate(TRAIN_SIZE + TEST_SIZE, 0.1, options.seed());
    TwoMoons train = all.slice(0, TRAIN_SIZE);
    TwoMoons test = all.slice(TRAIN_SIZE, TRAIN_SIZE + TEST_SIZE);
    Random batches = new Random(options.seed() + 1);
    TwoMoons.Sampler sampler = train.sampler();

    MlpParams params = MoonsModel.init(HIDDEN, options.seed());
    ValueAndGradFn<MlpParams, Batch> lossAndGrad =
        Grad.valueAndGrad(MoonsModel::loss, params, Batch.of(sampler.batch(batches, BATCH_SIZE)));

    // with --accumulate K the optimizer updates every K steps, and its schedule counts those updates
    int scheduled = Math.max(1, options.steps() / options.accumulate());
    int warmup = Math.max(1, scheduled / 10);
    GradientTransformation tx = chain(
        clipByGlobalNorm(1.0),
        injectHyperparams(adamw(warmupCosineDecay(0.0, 2e-2, warmup, scheduled)).weightDecay(1e-4)));
    if (options.accumulate() > 1) {
      tx = multiSteps(tx, options.accumulate());
    }
    EmaTrainState state =
        EmaTrainStatePyTree.create(lossAndGrad.applyFn(MoonsModel.LOGITS), params, tx, params);

    List<Integer> steps = new ArrayList<>(options.steps());
    List<Double> losses = new ArrayList<>(options.steps());
    List<Double> learningRates = new ArrayList<>(options.steps());
    double loss = Double.NaN;
    LossAndGrads<MlpParams> out = null;
    long start = System.nanoTime();
    try (ProgressBar bar = progressBar(options)) {
      for (int step = 0; step < options.steps(); step++) {
        Batch batch = Batch.of(sampler.batch(batches, BATCH_SIZE));
        // after the first step, the last step's gradients are donated: the new ones are written over them
        out = out == null ? lossAndGrad.apply(state.params(), batch)
            : lossAndGrad.applyDonating(state.params(), batch, out.grads());
        MlpParams ema = emaUpdate(state.emaParams(), state.params());
        state = state.applyGradients(out.grads(), b -> b.emaParams(ema));
        loss = out.loss();
        double lr = state.optState().findHyperparam(LEARNING_RATE);
        steps.add(step);
        losses.add(loss);
        learningRates.add(lr);
        if (bar != null) {
          bar.step();
          bar.setExtraMessage(String.format(" loss %.4f  lr %.2e", loss, lr));
        }
      }
    }
    double trainingSeconds = (System.nanoTime() - start) / 1e9;
    double accuracy = accuracy(state, state.params(), test);
    double emaAccuracy = accuracy(state, state.emaParams(), test);
    Path chart = TrainingChart.write(options.outputDir(), steps, losses, learningRates);
    int updates = state.optState() instanceof MultiStepsState m ? m.gradientStep() : options.steps();
    return new Result(accuracy, emaAccuracy, loss, updates, chart, trainingSeconds);
  }

  /** {@code params * (1 - decay) + ema * decay}, leaf by leaf: Optax's {@code incremental_update} (Polyak averaging). */
  static MlpParams emaUpdate(MlpParams ema, MlpParams params) {
    return incrementalUpdate(params, ema, 1 - EMA_DECAY);
  }

  /** The fraction of {@code data} whose argmax logit is its label, running the model through {@code applyFn}. */
  static double accuracy(EmaTrainState state, MlpParams params, TwoMoons data) {
    INDArray logits = state.applyFn().apply(params, data.features());
    INDArray predicted = logits.argMax(1);
    INDArray actual = data.labels().argMax(1);
    return predicted.eq(actual).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).meanNumber().doubleValue();
  }

  private static ProgressBar progressBar(SampleOptions options) {
    if (options.quiet()) {
      return null;
    }
    ProgressBarBuilder bar = new ProgressBarBuilder()
        .setTaskName("train")
        .setInitialMax(options.steps())
        .setStyle(ProgressBarStyle.ASCII);
    if (System.console() == null) {
      // a log or a pipe: a line every few seconds, not carriage-return redraws piling up on one line
      return bar.setConsumer(new DelegatingProgressBarConsumer(System.out::println))
          .setUpdateIntervalMillis(5000)
          .build();
    }
    return bar.setUpdateIntervalMillis(200).continuousUpdate().build();
  }
}
