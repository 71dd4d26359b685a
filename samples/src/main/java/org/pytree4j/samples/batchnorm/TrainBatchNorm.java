package org.pytree4j.samples.batchnorm;

import static org.pytree4j.optim.Optax.adam;
import static org.pytree4j.optim.Optax.chain;
import static org.pytree4j.optim.Optax.clipByGlobalNorm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pytree4j.checkpoint.CheckpointManager;
import org.pytree4j.checkpoint.Checkpoints;
import org.pytree4j.grad.AuxValueAndGradFn;
import org.pytree4j.grad.Grad;
import org.pytree4j.grad.LossAuxAndGrads;
import org.pytree4j.optim.GradientTransformation;
import org.pytree4j.random.PRNGKey;
import org.pytree4j.samples.batchnorm.BnModel.Aux;
import org.pytree4j.samples.batchnorm.BnModel.Batch;
import org.pytree4j.samples.batchnorm.BnModel.Params;
import org.pytree4j.samples.batchnorm.BnModel.Stats;
import org.pytree4j.samples.moons.TwoMoons;
import org.pytree4j.train.ApplyFn;
import org.pytree4j.train.Variables;

/**
 * Flax's BatchNorm and Dropout guides as one Java training loop, on the two-moons data: a custom train
 * state with {@code batchStats} and a dropout {@code key}; each step folds the step into the key
 * ({@code jax.random.fold_in(key, state.step)}), takes {@code (loss, aux, grads)} from
 * {@code valueAndGradWithAux} (aux: the logits and the new batch statistics), applies the gradients and
 * the new statistics in one {@code applyGradients(grads, b -> b.batchStats(...))}, and logs loss and
 * accuracy computed from the aux. Evaluation runs the model in evaluation mode (the stored statistics,
 * no dropout). With {@code --checkpoints DIR} the state is saved at {@code --save-at} and a later run
 * resumes from it, continuing exactly as the uninterrupted run would: batches and dropout masks are
 * functions of the step.
 */
public final class TrainBatchNorm {
  static final int TRAIN_SIZE = 2000;
  static final int TEST_SIZE = 1000;
  static final int BATCH_SIZE = 128;
  static final int HIDDEN = 32;
  static final double NOISE = 0.15;
  static final String USAGE = String.join("\n",
      "Usage: TrainBatchNorm [--steps N] [--seed S] [--checkpoints DIR] [--save-at STEP] [--quiet]",
      "",
      "Trains Dense -> BatchNorm -> relu -> Dropout -> Dense on two moons, Flax's BatchNorm and",
      "dropout guides in Java. With --checkpoints, saves the state at step --save-at (default",
      "steps / 2) and resumes from the latest checkpoint in DIR when there is one.",
      "",
      "  --steps N          optimizer steps (default 400)",
      "  --seed S           seed for the data, the params, the batches and the dropout key (default 0)",
      "  --checkpoints DIR  save to and resume from DIR",
      "  --save-at STEP     the step to save at",
      "  --quiet            no per-step log");

  private TrainBatchNorm() {}

  /**
   * What to run.
   *
   * @param steps the step to train up to
   * @param seed the seed of everything random
   * @param checkpoints where to save and resume, or null
   * @param saveAt the step whose state is saved (with {@code checkpoints})
   * @param quiet no log
   */
  public record Options(int steps, long seed, Path checkpoints, long saveAt, boolean quiet) {
    static Options parse(String... args) {
      int steps = 400;
      long seed = 0;
      Path checkpoints = null;
      Long saveAt = null;
      boolean quiet = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--steps" -> steps = (int) positive("--steps", value(args, ++i));
          case "--seed" -> seed = number("--seed", value(args, ++i));
          case "--checkpoints" -> checkpoints = Path.of(value(args, ++i));
          case "--save-at" -> saveAt = positive("--save-at", value(args, ++i));
          case "--quiet" -> quiet = true;
          default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
        }
      }
      return new Options(steps, seed, checkpoints, saveAt == null ? steps / 2 : saveAt, quiet);
    }

    private static String value(String[] args, int i) {
      if (i >= args.length) {
        throw new IllegalArgumentException(args[i - 1] + " needs a value");
      }
      return args[i];
    }

    private static long number(String option, String value) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " must be an integer, got '" + value + "'");
      }
    }

    private static long positive(String option, String value) {
      long n = number(option, value);
      if (n < 1 || n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(option + " must be a positive integer, got '" + value + "'");
      }
      return n;
    }
  }

  /**
   * What a run produced.
   *
   * @param state the final train state
   * @param accuracy held-out accuracy of the final state, in evaluation mode
   * @param losses the training loss of each step this run took
   * @param accuracies the training-batch accuracy of each step this run took, from the aux logits
   * @param startStep the step this run started from (0, or the restored checkpoint's)
   * @param evalAtSave the held-out logits of the state saved (or restored) at {@code saveAt}, or null
   */
  public record Result(BnTrainState state, double accuracy, List<Double> losses, List<Double> accuracies,
      long startStep, INDArray evalAtSave) {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      if (List.of(args).contains("--help")) {
        System.out.println(USAGE);
        return;
      }
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    Result result = run(options);
    System.out.printf("held-out accuracy: %.1f%% on %d test points, after step %d (this run: steps %d to %d)%n",
        100 * result.accuracy(), TEST_SIZE, result.state().step(), result.startStep(), result.state().step());
  }

  public static Result run(Options options) throws IOException {
    TwoMoons all = TwoMoons.generate(TRAIN_SIZE + TEST_SIZE, NOISE, options.seed());
    Rows train = new Rows(all.slice(0, TRAIN_SIZE));
    TwoMoons test = all.slice(TRAIN_SIZE, TRAIN_SIZE + TEST_SIZE);
    PRNGKey[] keys = PRNGKey.of(options.seed()).split(2);   // data_key, dropout_key = jax.random.split(root_key)
    PRNGKey dataKey = keys[0];

    Variables<Params, Stats> variables = BnModel.init(HIDDEN, options.seed());
    AuxValueAndGradFn<Params, Stats, Batch, Aux> lossAndGrad =
        Grad.valueAndGradWithAux(BnModel::loss, variables, train.batch(dataKey, 0, BATCH_SIZE));
    ApplyFn<Variables<Params, Stats>> eval =
        Grad.applyFn((g, v, x) -> BnModel.apply(g, v, x, false), variables, test.features());
    GradientTransformation tx = chain(clipByGlobalNorm(1.0), adam(1e-2));
    BnTrainState initial = BnTrainStatePyTree.create(eval, variables.params(), tx, variables.batchStats(), keys[1]);

    CheckpointManager checkpoints = options.checkpoints() == null ? null
        : Checkpoints.manager(options.checkpoints())
            .shouldSaveFn((step, latest) -> step == options.saveAt());
    try {
      BnTrainState state = initial;
      INDArray evalAtSave = null;
      if (checkpoints != null) {
        Optional<BnTrainState> restored = checkpoints.restoreLatest(initial);
        if (restored.isPresent()) {
          state = restored.get();
          evalAtSave = eval.apply(state.variables(), test.features());
        }
      }
      long startStep = state.step();
      List<Double> losses = new ArrayList<>();
      List<Double> accuracies = new ArrayList<>();
      LossAuxAndGrads<Params, Aux> out = null;
      while (state.step() < options.steps()) {
        Batch batch = train.batch(dataKey, state.step(), BATCH_SIZE);
        PRNGKey dropoutKey = state.key().foldIn(state.step());   // jax.random.fold_in(state.key, state.step)
        out = out == null ? lossAndGrad.apply(state.variables(), batch, dropoutKey)
            : lossAndGrad.applyDonating(state.variables(), batch, dropoutKey, out.grads());
        Stats newStats = out.aux().batchStats();
        state = state.applyGradients(out.grads(), b -> b.batchStats(newStats));
        losses.add(out.loss());
        accuracies.add(accuracy(out.aux().logits(), batch.y()));
        if (!options.quiet() && state.step() % 50 == 0) {
          System.out.printf("step %4d  loss %.4f  batch accuracy %.3f%n", state.step(), out.loss(),
              accuracies.get(accuracies.size() - 1));
        }
        if (checkpoints != null && checkpoints.save(state, state.step(),
            Map.of("loss", out.loss(), "accuracy", accuracies.get(accuracies.size() - 1)))) {
          checkpoints.waitUntilFinished();
          evalAtSave = eval.apply(state.variables(), test.features());
        }
      }
      double accuracy = accuracy(eval.apply(state.variables(), test.features()), test.labels());
      return new Result(state, accuracy, losses, accuracies, startStep, evalAtSave);
    } finally {
      if (checkpoints != null) {
        checkpoints.close();
      }
    }
  }

  /** The fraction of rows whose argmax logit is the argmax of the one-hot label. */
  static double accuracy(INDArray logits, INDArray oneHotLabels) {
    INDArray predicted = logits.argMax(1);
    INDArray actual = oneHotLabels.argMax(1);
    return predicted.eq(actual).castTo(DataType.FLOAT).meanNumber().doubleValue();
  }

  /**
   * The training rows, copied once to the heap; the batch of a step is drawn from the data key folded
   * with the step, so it depends on the step alone, and a resumed run sees the batches the
   * uninterrupted run would.
   */
  static final class Rows {
    private final float[] features;
    private final float[] labels;
    private final int rows;

    Rows(TwoMoons data) {
      this.features = data.features().dup('c').data().asFloat();
      this.labels = data.labels().dup('c').data().asFloat();
      this.rows = data.size();
    }

    Batch batch(PRNGKey dataKey, long step, int size) {
      int[] draws = dataKey.foldIn(step).bits(size);
      float[] x = new float[size * 2];
      float[] y = new float[size * 2];
      for (int i = 0; i < size; i++) {
        int row = (int) (Integer.toUnsignedLong(draws[i]) % rows);
        System.arraycopy(features, row * 2, x, i * 2, 2);
        System.arraycopy(labels, row * 2, y, i * 2, 2);
      }
      return new Batch(Nd4j.create(x, new long[] {size, 2}, 'c'), Nd4j.create(y, new long[] {size, 2}, 'c'));
    }
  }
}
