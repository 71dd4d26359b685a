package org.pytree4j.optim;

import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.schedule.Schedule;
import org.pytree4j.optim.schedule.StatefulSchedule;

/**
 * Optax for Java: every transformation, alias and helper under its Optax name, in camelCase.
 *
 * <pre>{@code
 * import static org.pytree4j.optim.Optax.*;
 * import static org.pytree4j.optim.schedule.Schedules.*;
 *
 * GradientTransformation tx = chain(
 *     clipByGlobalNorm(1.0),
 *     injectHyperparams(adamw(warmupCosineDecay(0.0, 1e-3, 100, 10_000)).weightDecay(1e-2)));
 * OptState state = tx.init(params);
 * UpdateResult r = tx.update(grads, state, params);
 * params = applyUpdates(params, r.updates());
 * double lr = r.state().get(1, InjectHyperparamsState.class).hyperparam(LEARNING_RATE);
 * }</pre>
 *
 * <p>Transformations are immutable values; their setters ({@code adam(1e-3).b1(0.8)}) return new
 * ones. States are immutable pytrees; nothing here writes into an array it was given (except
 * {@link #stepDonating}, on request). Leaves of params and updates are floating-point INDArrays
 * (float32, float64, float16, bfloat16) or null (Optax's None). Where every array of an operation is
 * float32 the arithmetic is float32, as in Optax; otherwise it runs in float64 and each result is
 * rounded once to its leaf's dtype.
 */
public final class Optax {
  private Optax() {}

  /** {@code learning_rate}. */
  public static final Hyperparam LEARNING_RATE = Hyperparam.LEARNING_RATE;
  /** {@code b1}. */
  public static final Hyperparam B1 = Hyperparam.B1;
  /** {@code b2}. */
  public static final Hyperparam B2 = Hyperparam.B2;
  /** {@code eps}. */
  public static final Hyperparam EPS = Hyperparam.EPS;
  /** {@code eps_root}. */
  public static final Hyperparam EPS_ROOT = Hyperparam.EPS_ROOT;
  /** {@code weight_decay}. */
  public static final Hyperparam WEIGHT_DECAY = Hyperparam.WEIGHT_DECAY;
  /** {@code momentum}. */
  public static final Hyperparam MOMENTUM = Hyperparam.MOMENTUM;
  /** {@code max_norm}. */
  public static final Hyperparam MAX_NORM = Hyperparam.MAX_NORM;
  /** {@code step_size}. */
  public static final Hyperparam STEP_SIZE = Hyperparam.STEP_SIZE;
  /** {@code decay}. */
  public static final Hyperparam DECAY = Hyperparam.DECAY;
  /** {@code initial_accumulator_value}. */
  public static final Hyperparam INITIAL_ACCUMULATOR_VALUE = Hyperparam.INITIAL_ACCUMULATOR_VALUE;
  /** {@code initial_scale}. */
  public static final Hyperparam INITIAL_SCALE = Hyperparam.INITIAL_SCALE;
  /** {@code trust_coefficient}. */
  public static final Hyperparam TRUST_COEFFICIENT = Hyperparam.TRUST_COEFFICIENT;
  /** {@code min_norm}. */
  public static final Hyperparam MIN_NORM = Hyperparam.MIN_NORM;
  /** {@code min_scale}. */
  public static final Hyperparam MIN_SCALE = Hyperparam.MIN_SCALE;
  /** {@code threshold}. */
  public static final Hyperparam THRESHOLD = Hyperparam.THRESHOLD;
  /** {@code decay_rate}. */
  public static final Hyperparam DECAY_RATE = Hyperparam.DECAY_RATE;
  /** {@code epsilon}. */
  public static final Hyperparam EPSILON = Hyperparam.EPSILON;
  /** {@code clipping_threshold}. */
  public static final Hyperparam CLIPPING_THRESHOLD = Hyperparam.CLIPPING_THRESHOLD;
  /** {@code weight_decay_rate}. */
  public static final Hyperparam WEIGHT_DECAY_RATE = Hyperparam.WEIGHT_DECAY_RATE;

  // ---- combining ----

  /** {@code optax.chain(*transformations)}. */
  public static Chain chain(GradientTransformation... transformations) {
    return new Chain(List.of(transformations));
  }

  /** {@code optax.chain(*transformations)}. */
  public static Chain chain(List<? extends GradientTransformation> transformations) {
    return new Chain(transformations);
  }

  /** {@code optax.masked(inner, mask)}. */
  public static Masked masked(GradientTransformation inner, Mask mask) {
    return new Masked(inner, mask);
  }

  /**
   * {@code optax.flatten(inner)}: {@code inner} updates one vector of every leaf, so its state holds
   * one array per moment instead of one per leaf. Use it for trees of many small leaves.
   */
  public static Flatten flatten(GradientTransformation inner) {
    return new Flatten(inner);
  }

  /**
   * {@code optax.partition(transforms, param_labels)}: each param is updated by the transformation of
   * its label: {@code partition(Map.of("trainable", adam(1e-3), "frozen", setToZero()), labels)}.
   */
  public static Partition partition(Map<String, ? extends GradientTransformation> transforms, Labels paramLabels) {
    return new Partition(transforms, paramLabels);
  }

  /** {@code optax.multi_transform(transforms, param_labels)}: Optax's former name of {@link #partition}. */
  public static Partition multiTransform(Map<String, ? extends GradientTransformation> transforms, Labels paramLabels) {
    return partition(transforms, paramLabels);
  }

  /**
   * {@code optax.MultiSteps(opt, every_k_schedule=k)}: accumulates the gradients of {@code k}
   * mini-steps (their mean), then updates with {@code opt}: gradient accumulation.
   */
  public static MultiSteps multiSteps(GradientTransformation opt, int everyK) {
    if (everyK < 1) {
      throw new IllegalArgumentException("MultiSteps: every_k_schedule must be at least 1, not " + everyK);
    }
    return new MultiSteps(opt, step -> everyK, Integer.toString(everyK), true, null, DataType.FLOAT);
  }

  /**
   * {@code optax.MultiSteps(opt, every_k_schedule=fn)}: {@code everyKSchedule} gives the mini-steps of
   * each gradient step from its index: {@code multiSteps(sgd(1e-4), step -> step < 2 ? 1 : 3)}.
   */
  public static MultiSteps multiSteps(GradientTransformation opt, IntUnaryOperator everyKSchedule) {
    return new MultiSteps(opt, everyKSchedule, String.valueOf(everyKSchedule), true, null, DataType.FLOAT);
  }

  /** {@code optax.skip_not_finite}: a {@link MultiSteps} skip function that skips mini-steps with an Inf or a NaN. */
  public static ShouldSkipUpdate skipNotFinite() {
    return ShouldSkipUpdate.skipNotFinite();
  }

  /** {@code functools.partial(optax.skip_large_updates, max_squared_norm=m)}: skips mini-steps of squared norm {@code m} or more. */
  public static ShouldSkipUpdate skipLargeUpdates(double maxSquaredNorm) {
    return ShouldSkipUpdate.skipLargeUpdates(maxSquaredNorm);
  }

  /**
   * {@code optax.apply_if_finite(inner, max_consecutive_errors)}: skips updates whose input holds an
   * Inf or a NaN, up to {@code maxConsecutiveErrors} in a row.
   */
  public static ApplyIfFinite applyIfFinite(GradientTransformation inner, int maxConsecutiveErrors) {
    return new ApplyIfFinite(inner, Map.of(ApplyIfFinite.MAX_CONSECUTIVE_ERRORS, maxConsecutiveErrors));
  }

  /** {@code optax.identity()}. */
  public static Identity identity() {
    return Identity.INSTANCE;
  }

  // ---- transformations ----

  /** {@code optax.scale(step_size)}. */
  public static Scale scale(double stepSize) {
    return new Scale(Map.of(STEP_SIZE, stepSize));
  }

  /** {@code scale} with a scheduled {@code step_size}, for {@code injectHyperparams(scale(schedule))}. */
  public static Scale scale(Schedule stepSize) {
    return new Scale(Map.of(STEP_SIZE, stepSize));
  }

  /** {@code scale} with a stateful schedule, for {@code injectHyperparams}. */
  public static Scale scale(StatefulSchedule<?> stepSize) {
    return new Scale(Map.of(STEP_SIZE, stepSize));
  }

  /** {@code optax.scale_by_learning_rate(learning_rate)}: scales by {@code -learning_rate}. */
  public static ScaleByLearningRate scaleByLearningRate(double learningRate) {
    return new ScaleByLearningRate(Map.of(LEARNING_RATE, learningRate), true);
  }

  /** {@code optax.scale_by_learning_rate(schedule)}: scales by {@code -schedule(count)}. */
  public static ScaleByLearningRate scaleByLearningRate(Schedule learningRate) {
    return new ScaleByLearningRate(Map.of(LEARNING_RATE, learningRate), true);
  }

  /** {@code optax.scale_by_schedule(step_size_fn)}. */
  public static ScaleBySchedule scaleBySchedule(Schedule stepSizeFn) {
    return new ScaleBySchedule(stepSizeFn);
  }

  /** {@code optax.scale_by_adam()} with Optax's defaults; set others with {@code .b1(..)} etc. */
  public static ScaleByAdam scaleByAdam() {
    return new ScaleByAdam(ScaleByAdam.defaults(), null, false);
  }

  /** {@code optax.scale_by_lion()} with Optax's defaults; set others with {@code .b1(..)} etc. */
  public static ScaleByLion scaleByLion() {
    return new ScaleByLion(ScaleByLion.defaults(), null);
  }

  /** {@code optax.scale_by_rss()} (adagrad's scaling) with Optax's defaults ({@code initial_accumulator_value=0.1, eps=1e-7}). */
  public static ScaleByRss scaleByRss() {
    return new ScaleByRss(ScaleByRss.defaults());
  }

  /**
   * {@code optax.scale_by_rms()} (rmsprop's scaling) with Optax's defaults ({@code decay=0.9, eps=1e-8,
   * initial_scale=0.0, eps_in_sqrt=True, bias_correction=False}).
   */
  public static ScaleByRms scaleByRms() {
    return new ScaleByRms(ScaleByRms.defaults(), true, false);
  }

  /** {@code optax.scale_by_stddev()} (centered rmsprop's scaling) with Optax's defaults. */
  public static ScaleByStddev scaleByStddev() {
    return new ScaleByStddev(ScaleByStddev.defaults(), true, false);
  }

  /** {@code optax.scale_by_belief()} (AdaBelief) with Optax's defaults ({@code b1=0.9, b2=0.999, eps=1e-16, eps_root=1e-16}). */
  public static ScaleByBelief scaleByBelief() {
    return new ScaleByBelief(ScaleByBelief.defaults(), false);
  }

  /** {@code optax.scale_by_adamax()} with Optax's defaults ({@code b1=0.9, b2=0.999, eps=1e-8}). */
  public static ScaleByAdamax scaleByAdamax() {
    return new ScaleByAdamax(ScaleByAdamax.defaults());
  }

  /** {@code optax.scale_by_trust_ratio()} with Optax's defaults ({@code min_norm=0.0, trust_coefficient=1.0, eps=0.0}). */
  public static ScaleByTrustRatio scaleByTrustRatio() {
    return new ScaleByTrustRatio(ScaleByTrustRatio.defaults());
  }

  /** {@code optax.scale_by_param_block_rms()} ({@code min_scale=1e-3}). */
  public static ScaleByParamBlockRms scaleByParamBlockRms() {
    return new ScaleByParamBlockRms(Map.of(MIN_SCALE, 1e-3));
  }

  /** {@code optax.clip_by_block_rms(threshold)}. */
  public static ClipByBlockRms clipByBlockRms(double threshold) {
    return new ClipByBlockRms(Map.of(THRESHOLD, threshold));
  }

  /**
   * {@code optax.scale_by_factored_rms()} (adafactor's scaling) with Optax's defaults ({@code factored=True,
   * decay_rate=0.8, step_offset=0, min_dim_size_to_factor=128, epsilon=1e-30}).
   */
  public static ScaleByFactoredRms scaleByFactoredRms() {
    return new ScaleByFactoredRms(ScaleByFactoredRms.defaults(), true, 0, 128);
  }

  /** {@code optax.set_to_zero()}: zero updates; freezes what it is applied to (see {@link #partition}). */
  public static SetToZero setToZero() {
    return SetToZero.INSTANCE;
  }

  /**
   * {@code optax.ema(decay)}: the exponential moving average of the updates, debiased. An average of
   * the updates, not of the params: for that, see {@link #incrementalUpdate}.
   */
  public static Ema ema(double decay) {
    return new Ema(Map.of(DECAY, decay), true, null);
  }

  /** {@code optax.ema(decay, debias)}. */
  public static Ema ema(double decay, boolean debias) {
    return new Ema(Map.of(DECAY, decay), debias, null);
  }

  /** {@code ema} with a scheduled {@code decay}, for {@code injectHyperparams}. */
  public static Ema ema(Schedule decay) {
    return new Ema(Map.of(DECAY, decay), true, null);
  }

  /** {@code optax.add_decayed_weights(weight_decay)}. */
  public static AddDecayedWeights addDecayedWeights(double weightDecay) {
    return new AddDecayedWeights(Map.of(WEIGHT_DECAY, weightDecay), null);
  }

  /** {@code optax.add_decayed_weights(weight_decay, mask)}. */
  public static AddDecayedWeights addDecayedWeights(double weightDecay, Mask mask) {
    return new AddDecayedWeights(Map.of(WEIGHT_DECAY, weightDecay), mask);
  }

  /** {@code optax.trace(decay)}. */
  public static Trace trace(double decay) {
    return new Trace(Map.of(DECAY, decay), false, null);
  }

  /** {@code optax.trace(decay, nesterov)}. */
  public static Trace trace(double decay, boolean nesterov) {
    return new Trace(Map.of(DECAY, decay), nesterov, null);
  }

  /** {@code trace} with a scheduled {@code decay}, for {@code injectHyperparams}. */
  public static Trace trace(Schedule decay) {
    return new Trace(Map.of(DECAY, decay), false, null);
  }

  /** {@code optax.clip_by_global_norm(max_norm)}. */
  public static ClipByGlobalNorm clipByGlobalNorm(double maxNorm) {
    return new ClipByGlobalNorm(Map.of(MAX_NORM, maxNorm));
  }

  /** {@code clip_by_global_norm} with a scheduled {@code max_norm}, for {@code injectHyperparams}. */
  public static ClipByGlobalNorm clipByGlobalNorm(Schedule maxNorm) {
    return new ClipByGlobalNorm(Map.of(MAX_NORM, maxNorm));
  }

  // ---- aliases ----

  /** {@code optax.adam(learning_rate)} with Optax's defaults; set others with {@code .b1(..)} etc. */
  public static Adam adam(double learningRate) {
    return new Adam("adam", Adam.defaults(learningRate), null, false);
  }

  /** {@code optax.adam(learning_rate=schedule)}. */
  public static Adam adam(Schedule learningRate) {
    return new Adam("adam", Adam.defaults(learningRate), null, false);
  }

  /** {@code optax.nadam(learning_rate)}: {@code adam} with Nesterov momentum. */
  public static Adam nadam(double learningRate) {
    return new Adam("nadam", Adam.defaults(learningRate), null, true);
  }

  /** {@code optax.nadam(learning_rate=schedule)}. */
  public static Adam nadam(Schedule learningRate) {
    return new Adam("nadam", Adam.defaults(learningRate), null, true);
  }

  /** {@code optax.adamw(learning_rate)} with Optax's defaults ({@code weight_decay=1e-4}). */
  public static AdamW adamw(double learningRate) {
    return new AdamW("adamw", AdamW.defaults(learningRate), null, null, false);
  }

  /** {@code optax.adamw(learning_rate=schedule)}. */
  public static AdamW adamw(Schedule learningRate) {
    return new AdamW("adamw", AdamW.defaults(learningRate), null, null, false);
  }

  /** {@code optax.nadamw(learning_rate)}: {@code adamw} with Nesterov momentum. */
  public static AdamW nadamw(double learningRate) {
    return new AdamW("nadamw", AdamW.defaults(learningRate), null, null, true);
  }

  /** {@code optax.nadamw(learning_rate=schedule)}. */
  public static AdamW nadamw(Schedule learningRate) {
    return new AdamW("nadamw", AdamW.defaults(learningRate), null, null, true);
  }

  /** {@code optax.lion(learning_rate)} with Optax's defaults ({@code b1=0.9, b2=0.99, weight_decay=1e-3}). */
  public static Lion lion(double learningRate) {
    return new Lion(Lion.defaults(learningRate), null, null);
  }

  /** {@code optax.lion(learning_rate=schedule)}. */
  public static Lion lion(Schedule learningRate) {
    return new Lion(Lion.defaults(learningRate), null, null);
  }

  /** {@code optax.adagrad(learning_rate)} with Optax's defaults ({@code initial_accumulator_value=0.1, eps=1e-7}). */
  public static Adagrad adagrad(double learningRate) {
    return new Adagrad(Adagrad.defaults(learningRate));
  }

  /** {@code optax.adagrad(learning_rate=schedule)}. */
  public static Adagrad adagrad(Schedule learningRate) {
    return new Adagrad(Adagrad.defaults(learningRate));
  }

  /** {@code optax.adabelief(learning_rate)} with Optax's defaults ({@code b1=0.9, b2=0.999, eps=1e-16, eps_root=1e-16}). */
  public static Adabelief adabelief(double learningRate) {
    return new Adabelief(Adabelief.defaults(learningRate), false);
  }

  /** {@code optax.adabelief(learning_rate=schedule)}. */
  public static Adabelief adabelief(Schedule learningRate) {
    return new Adabelief(Adabelief.defaults(learningRate), false);
  }

  /** {@code optax.adamax(learning_rate)} with Optax's defaults ({@code b1=0.9, b2=0.999, eps=1e-8}). */
  public static Adamax adamax(double learningRate) {
    return new Adamax(Adamax.defaults(learningRate));
  }

  /** {@code optax.adamax(learning_rate=schedule)}. */
  public static Adamax adamax(Schedule learningRate) {
    return new Adamax(Adamax.defaults(learningRate));
  }

  /**
   * {@code optax.rmsprop(learning_rate)} with Optax's defaults ({@code decay=0.9, eps=1e-8, initial_scale=0.0},
   * eps inside the square root, not centered, no momentum, no bias correction).
   */
  public static Rmsprop rmsprop(double learningRate) {
    return new Rmsprop(Rmsprop.defaults(learningRate), true, false, false, false);
  }

  /** {@code optax.rmsprop(learning_rate=schedule)}. */
  public static Rmsprop rmsprop(Schedule learningRate) {
    return new Rmsprop(Rmsprop.defaults(learningRate), true, false, false, false);
  }

  /** {@code optax.lamb(learning_rate)} with Optax's defaults ({@code b1=0.9, b2=0.999, eps=1e-6, eps_root=0.0, weight_decay=0.0}). */
  public static Lamb lamb(double learningRate) {
    return new Lamb(Lamb.defaults(learningRate), null);
  }

  /** {@code optax.lamb(learning_rate=schedule)}. */
  public static Lamb lamb(Schedule learningRate) {
    return new Lamb(Lamb.defaults(learningRate), null);
  }

  /**
   * {@code optax.lars(learning_rate)} with Optax's defaults ({@code weight_decay=0.0, trust_coefficient=0.001,
   * eps=0.0, momentum=0.9}, both masks {@code True}).
   */
  public static Lars lars(double learningRate) {
    return new Lars(Lars.defaults(learningRate), Lars.ALL, Lars.ALL, false);
  }

  /** {@code optax.lars(learning_rate=schedule)}. */
  public static Lars lars(Schedule learningRate) {
    return new Lars(Lars.defaults(learningRate), Lars.ALL, Lars.ALL, false);
  }

  /**
   * {@code optax.adafactor()}: no learning rate (the relative step alone), with Optax's defaults
   * ({@code decay_rate=0.8, clipping_threshold=1.0, eps=1e-30}, factored from 128, scaled by each
   * param's root mean square, no momentum, no weight decay).
   */
  public static Adafactor adafactor() {
    return new Adafactor(Adafactor.defaults(null), 128, 0, true, DataType.FLOAT, true, null);
  }

  /** {@code optax.adafactor(learning_rate)} with Optax's other defaults (see {@link #adafactor()}). */
  public static Adafactor adafactor(double learningRate) {
    return new Adafactor(Adafactor.defaults(learningRate), 128, 0, true, DataType.FLOAT, true, null);
  }

  /** {@code optax.adafactor(learning_rate=schedule)}. */
  public static Adafactor adafactor(Schedule learningRate) {
    return new Adafactor(Adafactor.defaults(learningRate), 128, 0, true, DataType.FLOAT, true, null);
  }

  /** {@code optax.sgd(learning_rate)}: no momentum. */
  public static Sgd sgd(double learningRate) {
    return new Sgd(Sgd.defaults(learningRate), false, null);
  }

  /** {@code optax.sgd(learning_rate=schedule)}. */
  public static Sgd sgd(Schedule learningRate) {
    return new Sgd(Sgd.defaults(learningRate), false, null);
  }

  /** {@code optax.sgd(learning_rate, momentum)}. */
  public static Sgd sgd(double learningRate, double momentum) {
    return sgd(learningRate).momentum(momentum);
  }

  /** {@code optax.sgd(learning_rate, momentum, nesterov)}. */
  public static Sgd sgd(double learningRate, double momentum, boolean nesterov) {
    return sgd(learningRate).momentum(momentum).nesterov(nesterov);
  }

  // ---- injecting hyperparameters ----

  /**
   * {@code optax.inject_hyperparams(factory)(**kwargs)}: {@code inner}'s numeric hyperparameters
   * live in the state (as float32), constants or schedules:
   * {@code injectHyperparams(adam(warmupCosineDecay(..)).b2(0.99))}.
   */
  public static InjectHyperparams injectHyperparams(Injectable inner) {
    return new InjectHyperparams(inner, DataType.FLOAT);
  }

  /**
   * {@code optax.inject_hyperparams(factory, hyperparam_dtype=dtype)(**kwargs)}: stores the
   * hyperparameters as {@code DataType.FLOAT} (float32) or {@code DataType.DOUBLE} (float64).
   */
  public static InjectHyperparams injectHyperparams(Injectable inner, DataType hyperparamDtype) {
    return new InjectHyperparams(inner, hyperparamDtype);
  }

  // ---- updates and states ----

  /**
   * {@code optax.apply_updates(params, updates)}: {@code p + u} per leaf, in the param's dtype; a
   * None param stays None. {@code params} is not changed.
   */
  public static <P> P applyUpdates(P params, Object updates) {
    return ApplyUpdates.apply(params, updates);
  }

  /**
   * One optimizer step, Optax's {@code updates, state = tx.update(grads, state, params)} followed by
   * {@code params = optax.apply_updates(params, updates)}, as one call. When every leaf is a float32
   * array and every transformation is elementwise (adam, lion, adagrad, adabelief, adamax, rmsprop,
   * sgd, scale, trace, add_decayed_weights, set_to_zero, ema, a leading clip_by_global_norm, chains,
   * flatten and injectHyperparams of these, and applyIfFinite or multiSteps of these when they run
   * first) it runs as one fused pass
   * over memory on all cores, writing into recycled memory, with the same bits as the two calls;
   * otherwise it is exactly those two calls. It runs on {@link StepEngine#defaultEngine()}, or on the
   * engine {@code tx} is {@link StepEngine#bind bound} to. Nothing given is modified: {@code params} and
   * {@code state} keep their values. {@code grads} must have exactly the structure of {@code params};
   * an error names the first key path where they differ.
   */
  public static <P> OptimizerStep<P> step(GradientTransformation tx, P params, OptState state, Object grads) {
    return StepEngine.defaultEngine().step(tx, params, state, grads);
  }

  /**
   * {@link #step}, donating {@code params} and {@code state} to the result, as JAX's
   * {@code jax.jit(..., donate_argnums=...)}: their memory may be overwritten with the new values
   * (the fused step then updates in place, with no new memory at all). Afterwards the donated
   * params and optimizer arrays must not be used: reading one throws {@code IllegalStateException}
   * (as a closed {@code INDArray} does), passing one to another step throws an
   * {@code IllegalArgumentException} naming it. Arrays derived from them (views, reshapes) are
   * invalid too. {@code grads} are not donated; an array passed both as a param and as a gradient
   * is not overwritten.
   */
  public static <P> OptimizerStep<P> stepDonating(GradientTransformation tx, P params, OptState state, Object grads) {
    return StepEngine.defaultEngine().stepDonating(tx, params, state, grads);
  }

  /**
   * {@code optax.incremental_update(new_tensors, old_tensors, step_size)}: Polyak averaging,
   * {@code step_size * new + (1 - step_size) * old} for every leaf, e.g. EMA params
   * {@code ema = incrementalUpdate(state.params(), ema, 1e-3)}. A new tree; None in
   * {@code newTensors} stays None.
   */
  public static <T> T incrementalUpdate(T newTensors, Object oldTensors, double stepSize) {
    return TargetUpdates.incremental(newTensors, oldTensors, stepSize);
  }

  /**
   * {@code optax.periodic_update(new_tensors, old_tensors, steps, update_period)}: {@code newTensors}
   * when {@code steps} is a multiple of {@code updatePeriod}, else {@code oldTensors} (the tree itself,
   * not a copy), e.g. a target network refreshed every {@code updatePeriod} steps.
   */
  public static <T> T periodicUpdate(T newTensors, T oldTensors, long steps, long updatePeriod) {
    return TargetUpdates.periodic(newTensors, oldTensors, steps, updatePeriod);
  }

  /** {@code optax.safe_increment(count)} for int32 counters: {@code count + 1}, saturating at {@link Integer#MAX_VALUE}. */
  public static int safeIncrement(int count) {
    return Numerics.safeIncrement(count);
  }

  /**
   * {@code optax.safe_increment(count)} for a counter array of any integer or floating dtype: every
   * element {@code + 1}, except those at the dtype's maximum, which stay. Returns a new array.
   */
  public static INDArray safeIncrement(INDArray count) {
    return Numerics.safeIncrement(count);
  }

  /**
   * The hyperparameter {@code name} anywhere in {@code state} (chains, masks and injects nested in
   * any order), as {@code optax.tree_utils.tree_get(state, name)}: {@code findHyperparam(state, LEARNING_RATE)}.
   * Throws when it is nowhere (naming those there are) or in several places (naming where).
   */
  public static double findHyperparam(OptState state, Hyperparam name) {
    return HyperparamLookup.find(state, name.optaxName());
  }

  /** {@link #findHyperparam(OptState, Hyperparam)} by Optax's name. */
  public static double findHyperparam(OptState state, String name) {
    return HyperparamLookup.find(state, name);
  }

  /**
   * {@code state} with hyperparameter {@code name} set to {@code value} in every inject state that
   * has it, as {@code optax.tree_utils.tree_set(state, name=value)}; {@code state} is unchanged.
   */
  public static <S extends OptState> S setHyperparam(S state, Hyperparam name, double value) {
    return HyperparamLookup.set(state, name.optaxName(), value);
  }
}
