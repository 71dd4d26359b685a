package org.pytree4j.optim;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.engine.Engine;
import org.pytree4j.optim.engine.EngineConfig;
import org.pytree4j.optim.engine.EngineStats;

/**
 * Where optimizer steps run: the threads a step spreads over, the kernels it may use, and the memory
 * it recycles between steps. {@link Optax#step}, {@link Optax#stepDonating} and a train state's
 * {@code applyGradients} use {@link #defaultEngine()} (every core, every kernel this machine has);
 * build another to give a model its own threads or memory, or to keep to the Java kernels:
 *
 * <pre>{@code
 * StepEngine engine = StepEngine.builder().threads(1).javaOnly().build();
 * TrainState<Mlp> state = TrainStatePyTree.create(applyFn, params, engine.bind(adamw(1e-3)));
 * state = state.applyGradients(grads);            // runs on engine
 * engine.stats().fusedSteps();                    // 1
 * }</pre>
 *
 * Every engine gives the same bits for the same step. An engine is safe to use from several threads;
 * {@link #close} stops its threads and frees the memory it keeps for reuse (arrays it made stay valid).
 */
public final class StepEngine implements AutoCloseable {
  /** The kernels a step may use beside the Java array loops, which every engine has. */
  public enum Kernel {
    /**
     * The native adam kernel ({@code adam}, {@code adamw}, {@code nadam}, with a leading clip and
     * scales), built into the runtime jar for linux-x86_64 when gcc was there.
     */
    NATIVE,
    /** Passes that read and write the optimizer's memory in place through the incubating Vector API
     * (needs {@code --add-modules jdk.incubator.vector}). */
    VECTOR_API
  }

  private final Engine engine;
  private final LongAdder steps = new LongAdder();

  private StepEngine(Engine engine) {
    this.engine = engine;
  }

  /** The engine {@link Optax#step} and train states use unless their transformation is {@link #bind bound} to another. */
  public static StepEngine defaultEngine() {
    if (Default.ENGINE == null) {
      // a bad -Dpytree4j.optim.* setting: said at every use, not once as an ExceptionInInitializerError
      throw new IllegalArgumentException(Default.MISCONFIGURED.getMessage(), Default.MISCONFIGURED);
    }
    return Default.ENGINE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code tx} bound to this engine: every step with it ({@link Optax#step}, a train state's
   * {@code applyGradients}, another engine's {@link #step}) runs here. Its {@code init} and
   * {@code update} are {@code tx}'s, and so is its state.
   */
  public GradientTransformation bind(GradientTransformation tx) {
    return new BoundTransformation(Objects.requireNonNull(tx, "tx must not be null"), this);
  }

  /**
   * New float32 arrays of these shapes, zeros, laid out one after another in one block of this
   * engine's memory as a fused step lays out params: a step reads gradients laid out so fastest, with
   * one look at each leaf and one run over all of them (on a tree of many small leaves several times
   * faster than separate arrays). {@code valueAndGrad} writes its float32 gradients into such arrays.
   * Null when a shape has no elements or the arrays are larger than one block holds (2^31 elements).
   */
  public INDArray[] float32Arrays(List<long[]> shapes) {
    return engine.float32Arrays(shapes);
  }

  /** {@link Optax#step} on this engine. */
  public <P> OptimizerStep<P> step(GradientTransformation tx, P params, OptState state, Object grads) {
    return run(tx, params, state, grads, false);
  }

  /** {@link Optax#stepDonating} on this engine. */
  public <P> OptimizerStep<P> stepDonating(GradientTransformation tx, P params, OptState state, Object grads) {
    return run(tx, params, state, grads, true);
  }

  private <P> OptimizerStep<P> run(GradientTransformation tx, P params, OptState state, Object grads, boolean donate) {
    if (tx instanceof BoundTransformation bound && bound.engine() != this) {
      return bound.engine().run(tx, params, state, grads, donate);
    }
    steps.increment();
    GradientTransformation inner = tx instanceof BoundTransformation bound ? bound.inner() : tx;
    return Steps.step(engine, inner, params, state, grads, donate);
  }

  /** The engine behind this one, for the engine's own tests and diagnostics. */
  Engine engine() {
    return engine;
  }

  /** What this engine has done so far. */
  public Stats stats() {
    EngineStats s = engine.stats();
    return new Stats(steps.sum(), s.fusedSteps(), s.nativePasses(), s.directPasses(), s.copyingPasses(),
        s.inputCopies(), s.slabsReused());
  }

  /** The threads and kernels this engine uses, and whether ND4J's internals are used, in one line. */
  @Override
  public String toString() {
    return "StepEngine(" + engine.describe() + ")";
  }

  /** Stops the engine's threads and frees the memory it keeps for reuse; arrays it made stay valid. */
  @Override
  public void close() {
    if (this == Default.ENGINE) {
      throw new IllegalStateException("the default engine is shared and cannot be closed");
    }
    engine.close();
  }

  /**
   * What an engine has done.
   *
   * @param steps steps run on it
   * @param fusedSteps of those, steps that ran as one fused pass over memory
   * @param nativePasses fused passes in the native kernel
   * @param vectorPasses fused passes through the Vector API
   * @param javaPasses fused passes through the Java array loops
   * @param inputCopies inputs that were not contiguous in memory and were copied first
   * @param reusedMemory outputs written into recycled memory
   */
  public record Stats(long steps, long fusedSteps, long nativePasses, long vectorPasses, long javaPasses,
      long inputCopies, long reusedMemory) {}

  /** Builds a {@link StepEngine}; by default like {@link #defaultEngine()}. */
  public static final class Builder {
    private EngineConfig config = EngineConfig.defaults();

    private Builder() {}

    /**
     * The threads a step may use, the caller's included (default: every core; system property
     * {@value EngineConfig#THREADS_PROPERTY}).
     */
    public Builder threads(int threads) {
      config = config.withThreads(threads);
      return this;
    }

    /** The kernels a step may use beside the Java array loops (default: all of them). */
    public Builder kernels(Set<Kernel> kernels) {
      config = config.withKernels(kernels.contains(Kernel.NATIVE), kernels.contains(Kernel.VECTOR_API));
      return this;
    }

    /** The Java array loops only. */
    public Builder javaOnly() {
      return kernels(EnumSet.noneOf(Kernel.class));
    }

    /**
     * The memory kept for reuse between steps, in bytes (default: adapted to the steps, between 1 GiB
     * and a quarter of physical memory; system property {@value EngineConfig#POOL_BYTES_PROPERTY}).
     */
    public Builder poolBytes(long bytes) {
      config = config.withPoolBytes(bytes);
      return this;
    }

    public StepEngine build() {
      return new StepEngine(new Engine(config));
    }
  }

  /** The default engine, made on first use. */
  private static final class Default {
    static final StepEngine ENGINE;
    static final IllegalArgumentException MISCONFIGURED;

    static {
      StepEngine engine = null;
      IllegalArgumentException misconfigured = null;
      try {
        engine = new StepEngine(new Engine(EngineConfig.defaults()));
      } catch (IllegalArgumentException e) {
        misconfigured = e;
      }
      ENGINE = engine;
      MISCONFIGURED = misconfigured;
    }
  }
}
