package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.DECAY;
import static org.pytree4j.optim.Hyperparam.EPS;
import static org.pytree4j.optim.Hyperparam.INITIAL_SCALE;
import static org.pytree4j.optim.Hyperparam.LEARNING_RATE;
import static org.pytree4j.optim.Hyperparam.MOMENTUM;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code rmsprop(learning_rate, decay=0.9, eps=1e-8, initial_scale=0.0, eps_in_sqrt=True,
 * centered=False, momentum=None, nesterov=False, bias_correction=False)}:
 * {@code chain(scale_by_rms(decay, eps, initial_scale, eps_in_sqrt, bias_correction)} (with
 * {@code centered}: {@code scale_by_stddev(..)}){@code , scale_by_learning_rate(learning_rate),
 * trace(momentum, nesterov) if momentum is not None else identity())}. Note that the momentum comes
 * after the learning rate, as in Optax. State: {@code (ScaleByRmsState, EmptyState, EmptyState)};
 * {@code ScaleByRStdDevState} first when centered, the {@code WithCount} forms with bias correction,
 * {@code TraceState} last with momentum, {@code ScaleByScheduleState} second with a learning-rate
 * schedule. Hyperparameters: {@code learning_rate}, {@code decay}, {@code eps}, {@code initial_scale},
 * and {@code momentum} when given; static: {@code eps_in_sqrt}, {@code centered}, {@code nesterov},
 * {@code bias_correction}.
 */
public final class Rmsprop extends ChainAlias<Rmsprop> {
  private static final List<Hyperparam> NAMES = List.of(LEARNING_RATE, DECAY, EPS, INITIAL_SCALE, MOMENTUM);

  private final boolean epsInSqrt;
  private final boolean centered;
  private final boolean nesterov;
  private final boolean biasCorrection;
  private final Chain delegate;

  Rmsprop(Map<Hyperparam, ?> values, boolean epsInSqrt, boolean centered, boolean nesterov, boolean biasCorrection) {
    super("rmsprop", NAMES, values);
    this.epsInSqrt = epsInSqrt;
    this.centered = centered;
    this.nesterov = nesterov;
    this.biasCorrection = biasCorrection;
    Map<Hyperparam, Object> scaling = Adagrad.part(hyperparams(), ScaleByRms.NAMES);
    Object momentum = value(MOMENTUM);
    this.delegate = new Chain(List.of(
        centered
            ? new ScaleByStddev(scaling, epsInSqrt, biasCorrection)
            : new ScaleByRms(scaling, epsInSqrt, biasCorrection),
        new ScaleByLearningRate(Map.of(LEARNING_RATE, value(LEARNING_RATE)), true),
        momentum == null ? Identity.INSTANCE : new Trace(Map.of(Hyperparam.DECAY, momentum), nesterov, null)));
  }

  /** Optax's defaults with {@code learningRate} (a Double or a Schedule); no momentum. */
  static Map<Hyperparam, Object> defaults(Object learningRate) {
    Map<Hyperparam, Object> values = new LinkedHashMap<>(ScaleByRms.defaults());
    values.put(LEARNING_RATE, learningRate);
    return values;
  }

  public Rmsprop learningRate(double learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Rmsprop learningRate(Schedule learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Rmsprop decay(double decay) {
    return with(DECAY, decay);
  }

  public Rmsprop decay(Schedule decay) {
    return with(DECAY, decay);
  }

  public Rmsprop eps(double eps) {
    return with(EPS, eps);
  }

  public Rmsprop eps(Schedule eps) {
    return with(EPS, eps);
  }

  /** The value the second moment starts at: PyTorch uses 0 (the default), TF1 uses 1. */
  public Rmsprop initialScale(double initialScale) {
    return with(INITIAL_SCALE, initialScale);
  }

  public Rmsprop initialScale(Schedule initialScale) {
    return with(INITIAL_SCALE, initialScale);
  }

  /** Momentum (a {@code trace} after the learning rate); without it (the default) there is none. */
  public Rmsprop momentum(double momentum) {
    return with(MOMENTUM, momentum);
  }

  public Rmsprop momentum(Schedule momentum) {
    return with(MOMENTUM, momentum);
  }

  /** Whether {@code eps} is added inside the square root (Optax's default, true) or outside (PyTorch's). */
  public Rmsprop epsInSqrt(boolean epsInSqrt) {
    return new Rmsprop(hyperparams(), epsInSqrt, centered, nesterov, biasCorrection);
  }

  /** Whether the gradients are scaled by their variance ({@code scale_by_stddev}) rather than their second moment. */
  public Rmsprop centered(boolean centered) {
    return new Rmsprop(hyperparams(), epsInSqrt, centered, nesterov, biasCorrection);
  }

  /** Nesterov momentum (with {@link #momentum}). */
  public Rmsprop nesterov(boolean nesterov) {
    return new Rmsprop(hyperparams(), epsInSqrt, centered, nesterov, biasCorrection);
  }

  /** Whether the moments are bias-corrected. */
  public Rmsprop biasCorrection(boolean biasCorrection) {
    return new Rmsprop(hyperparams(), epsInSqrt, centered, nesterov, biasCorrection);
  }

  @Override
  Rmsprop withHyperparams(Map<Hyperparam, Object> values) {
    return new Rmsprop(values, epsInSqrt, centered, nesterov, biasCorrection);
  }

  @Override
  Chain delegate() {
    return delegate;
  }

  @Override
  String staticsString() {
    List<String> parts = new ArrayList<>();
    if (!epsInSqrt) {
      parts.add("eps_in_sqrt=false");
    }
    if (centered) {
      parts.add("centered=true");
    }
    if (nesterov) {
      parts.add("nesterov=true");
    }
    if (biasCorrection) {
      parts.add("bias_correction=true");
    }
    return String.join(", ", parts);
  }
}
