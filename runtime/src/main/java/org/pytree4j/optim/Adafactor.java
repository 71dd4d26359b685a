package org.pytree4j.optim;

import static org.pytree4j.optim.Hyperparam.CLIPPING_THRESHOLD;
import static org.pytree4j.optim.Hyperparam.DECAY;
import static org.pytree4j.optim.Hyperparam.DECAY_RATE;
import static org.pytree4j.optim.Hyperparam.EPS;
import static org.pytree4j.optim.Hyperparam.EPSILON;
import static org.pytree4j.optim.Hyperparam.LEARNING_RATE;
import static org.pytree4j.optim.Hyperparam.MIN_SCALE;
import static org.pytree4j.optim.Hyperparam.MOMENTUM;
import static org.pytree4j.optim.Hyperparam.STEP_SIZE;
import static org.pytree4j.optim.Hyperparam.THRESHOLD;
import static org.pytree4j.optim.Hyperparam.WEIGHT_DECAY;
import static org.pytree4j.optim.Hyperparam.WEIGHT_DECAY_RATE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.pytree4j.optim.schedule.Schedule;

/**
 * Optax's {@code adafactor(learning_rate=None, min_dim_size_to_factor=128, decay_rate=0.8,
 * decay_offset=0, multiply_by_parameter_scale=True, clipping_threshold=1.0, momentum=None,
 * dtype_momentum=jnp.float32, weight_decay_rate=None, eps=1e-30, factored=True, weight_decay_mask=None)}
 * (Shazeer and Stern 2018): the chain of
 * <ol>
 *   <li>{@code scale_by_factored_rms(factored, decay_rate, decay_offset, min_dim_size_to_factor, eps)},</li>
 *   <li>{@code clip_by_block_rms(clipping_threshold)} unless it is None,</li>
 *   <li>{@code scale_by_learning_rate(learning_rate, flip_sign=False)} unless it is None,</li>
 *   <li>{@code scale_by_param_block_rms()} when {@code multiply_by_parameter_scale},</li>
 *   <li>{@code ema(momentum, debias=False, accumulator_dtype=dtype_momentum)} unless it is None,</li>
 *   <li>{@code add_decayed_weights(weight_decay_rate, mask=weight_decay_mask)} unless it is None,</li>
 *   <li>{@code scale(-1)}.</li>
 * </ol>
 * State: the chain's, by default {@code (FactoredState, EmptyState, EmptyState, EmptyState, EmptyState)}
 * (with a learning-rate schedule its third is {@code ScaleByScheduleState}, with momentum an
 * {@code EmaState} comes before the last). Hyperparameters: {@code learning_rate},
 * {@code decay_rate}, {@code clipping_threshold}, {@code momentum}, {@code weight_decay_rate} (each when
 * given) and {@code eps}; static: the others. Optax would also inject the integers
 * {@code min_dim_size_to_factor} and {@code decay_offset}; they are static here (Optax's own test passes
 * {@code min_dim_size_to_factor} as a static argument to jit it).
 *
 * <p>Not part of the fused step: the factored moments, the clipping and the parameter scale reduce
 * over rows, columns and whole leaves (see docs/optimizers.md).
 */
public final class Adafactor extends ChainAlias<Adafactor> {
  private static final List<Hyperparam> NAMES =
      List.of(LEARNING_RATE, DECAY_RATE, CLIPPING_THRESHOLD, MOMENTUM, WEIGHT_DECAY_RATE, EPS);

  private final int minDimSizeToFactor;
  private final int decayOffset;
  private final boolean multiplyByParameterScale;
  private final DataType dtypeMomentum;
  private final boolean factored;
  private final Mask weightDecayMask;
  private final Chain delegate;

  Adafactor(Map<Hyperparam, ?> values, int minDimSizeToFactor, int decayOffset, boolean multiplyByParameterScale,
      DataType dtypeMomentum, boolean factored, Mask weightDecayMask) {
    super("adafactor", NAMES, values);
    this.minDimSizeToFactor = minDimSizeToFactor;
    this.decayOffset = decayOffset;
    this.multiplyByParameterScale = multiplyByParameterScale;
    this.dtypeMomentum = FloatTypes.requireFloatingOrNull(dtypeMomentum, "dtype_momentum");
    this.factored = factored;
    this.weightDecayMask = weightDecayMask;
    List<GradientTransformation> tx = new ArrayList<>();
    tx.add(new ScaleByFactoredRms(Map.of(DECAY_RATE, value(DECAY_RATE), EPSILON, value(EPS)), factored, decayOffset,
        minDimSizeToFactor));
    if (value(CLIPPING_THRESHOLD) != null) {
      tx.add(new ClipByBlockRms(Map.of(THRESHOLD, value(CLIPPING_THRESHOLD))));
    }
    if (value(LEARNING_RATE) != null) {
      tx.add(new ScaleByLearningRate(Map.of(LEARNING_RATE, value(LEARNING_RATE)), false));
    }
    if (multiplyByParameterScale) {
      tx.add(new ScaleByParamBlockRms(Map.of(MIN_SCALE, 1e-3)));
    }
    if (value(MOMENTUM) != null) {
      tx.add(new Ema(Map.of(DECAY, value(MOMENTUM)), false, dtypeMomentum));
    }
    if (value(WEIGHT_DECAY_RATE) != null) {
      tx.add(new AddDecayedWeights(Map.of(WEIGHT_DECAY, value(WEIGHT_DECAY_RATE)), weightDecayMask));
    }
    tx.add(new Scale(Map.of(STEP_SIZE, -1.0)));
    this.delegate = new Chain(tx);
  }

  /** Optax's defaults: {@code decay_rate=0.8, clipping_threshold=1.0, eps=1e-30}, and {@code learningRate} unless null. */
  static Map<Hyperparam, Object> defaults(Object learningRate) {
    Map<Hyperparam, Object> values = new LinkedHashMap<>();
    if (learningRate != null) {
      values.put(LEARNING_RATE, learningRate);
    }
    values.put(DECAY_RATE, 0.8);
    values.put(CLIPPING_THRESHOLD, 1.0);
    values.put(EPS, 1e-30);
    return values;
  }

  public Adafactor learningRate(double learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  public Adafactor learningRate(Schedule learningRate) {
    return with(LEARNING_RATE, learningRate);
  }

  /** Controls the second-moment decay schedule {@code 1 - (step + 1)^-decay_rate}. */
  public Adafactor decayRate(double decayRate) {
    return with(DECAY_RATE, decayRate);
  }

  public Adafactor decayRate(Schedule decayRate) {
    return with(DECAY_RATE, decayRate);
  }

  /** Clip each leaf's update to this root mean square (Optax's default 1.0; must be at least 1). */
  public Adafactor clippingThreshold(double clippingThreshold) {
    return with(CLIPPING_THRESHOLD, clippingThreshold);
  }

  public Adafactor clippingThreshold(Schedule clippingThreshold) {
    return with(CLIPPING_THRESHOLD, clippingThreshold);
  }

  /** Optax's {@code clipping_threshold=None}: no {@code clip_by_block_rms} in the chain. */
  public Adafactor noClipping() {
    Map<Hyperparam, Object> values = new LinkedHashMap<>(hyperparams());
    values.remove(CLIPPING_THRESHOLD);
    return withHyperparams(values);
  }

  /** Momentum: an {@code ema} of the updates (not debiased), stored in {@link #dtypeMomentum}. */
  public Adafactor momentum(double momentum) {
    return with(MOMENTUM, momentum);
  }

  public Adafactor momentum(Schedule momentum) {
    return with(MOMENTUM, momentum);
  }

  /** Weight decay, added after the scaling and momentum (so not multiplied by the learning rate). */
  public Adafactor weightDecayRate(double weightDecayRate) {
    return with(WEIGHT_DECAY_RATE, weightDecayRate);
  }

  public Adafactor weightDecayRate(Schedule weightDecayRate) {
    return with(WEIGHT_DECAY_RATE, weightDecayRate);
  }

  /** Added to the squared gradients. */
  public Adafactor eps(double eps) {
    return with(EPS, eps);
  }

  public Adafactor eps(Schedule eps) {
    return with(EPS, eps);
  }

  /** Only leaves with two dimensions of at least this size are factored (default 128). */
  public Adafactor minDimSizeToFactor(int minDimSizeToFactor) {
    return new Adafactor(hyperparams(), minDimSizeToFactor, decayOffset, multiplyByParameterScale, dtypeMomentum,
        factored, weightDecayMask);
  }

  /** For fine-tuning: the step the decay schedule starts from (default 0). */
  public Adafactor decayOffset(int decayOffset) {
    return new Adafactor(hyperparams(), minDimSizeToFactor, decayOffset, multiplyByParameterScale, dtypeMomentum,
        factored, weightDecayMask);
  }

  /** Whether the step is scaled by each param's root mean square (true, the default), or is absolute. */
  public Adafactor multiplyByParameterScale(boolean multiply) {
    return new Adafactor(hyperparams(), minDimSizeToFactor, decayOffset, multiply, dtypeMomentum, factored,
        weightDecayMask);
  }

  /** The dtype of the momentum buffer (Optax's default float32; null: the updates' dtype). */
  public Adafactor dtypeMomentum(DataType dtypeMomentum) {
    return new Adafactor(hyperparams(), minDimSizeToFactor, decayOffset, multiplyByParameterScale, dtypeMomentum,
        factored, weightDecayMask);
  }

  /** Whether second moments are factored (true, the default). */
  public Adafactor factored(boolean factored) {
    return new Adafactor(hyperparams(), minDimSizeToFactor, decayOffset, multiplyByParameterScale, dtypeMomentum,
        factored, weightDecayMask);
  }

  /** Decay only the params where {@code mask} is true; null (the default) decays all. */
  public Adafactor weightDecayMask(Mask mask) {
    return new Adafactor(hyperparams(), minDimSizeToFactor, decayOffset, multiplyByParameterScale, dtypeMomentum,
        factored, mask);
  }

  @Override
  Adafactor withHyperparams(Map<Hyperparam, Object> values) {
    return new Adafactor(values, minDimSizeToFactor, decayOffset, multiplyByParameterScale, dtypeMomentum, factored,
        weightDecayMask);
  }

  @Override
  Chain delegate() {
    return delegate;
  }

  @Override
  String staticsString() {
    List<String> parts = new ArrayList<>();
    if (minDimSizeToFactor != 128) {
      parts.add("min_dim_size_to_factor=" + minDimSizeToFactor);
    }
    if (decayOffset != 0) {
      parts.add("decay_offset=" + decayOffset);
    }
    if (!multiplyByParameterScale) {
      parts.add("multiply_by_parameter_scale=false");
    }
    if (dtypeMomentum != DataType.FLOAT) {
      parts.add("dtype_momentum=" + (dtypeMomentum == null ? "None" : FloatTypes.name(dtypeMomentum)));
    }
    if (!factored) {
      parts.add("factored=false");
    }
    if (weightDecayMask != null) {
      parts.add("weight_decay_mask=" + weightDecayMask);
    }
    return String.join(", ", parts);
  }
}
