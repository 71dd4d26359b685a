package org.pytree4j.optim.engine;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.optim.kernels.DirectKernels;
import org.pytree4j.optim.kernels.NativeKernels;

/**
 * The fused step's machinery, as one value: the memory it recycles ({@link SlabPool}), its threads
 * ({@link StepThreads}), which kernels it may use, the shape descriptors it shares, and what it
 * counts. Nothing here is global: engines are independent of each other (arrays one engine made are
 * read by another like any arrays), and {@link #close} stops the threads and frees the idle memory.
 */
public final class Engine implements AutoCloseable {
  /** Elements a thread takes at a time in a pass (whole blocks). */
  public static final int PIECE = FusedStep.PIECE;
  private final EngineConfig config;
  final EngineCounters counters = new EngineCounters();
  final SlabPool pool;
  final StepThreads threads;
  final ArrayShells shells = new ArrayShells();
  final Donation donation = new Donation();
  /** The native kernel's loop steps run, or -1 when they do not run in native code. */
  final int nativeLoop;
  /** The Vector API kernels, or null when passes copy blocks. */
  final DirectKernels direct;

  public Engine(EngineConfig config) {
    this.config = config;
    if (config.nativeKernels() && NativeKernels.AVAILABLE) {
      int loop = config.nativeLoop() < 0 ? NativeKernels.widestLoop() : config.nativeLoop();
      if (!NativeKernels.runsHere(loop)) {
        throw new IllegalArgumentException("this CPU does not run the native kernel's loop " + loop);
      }
      this.nativeLoop = loop;
    } else {
      this.nativeLoop = -1;
    }
    this.direct = config.vectorKernels() ? DirectKernels.INSTANCE : null;
    this.pool = new SlabPool(config.poolBytes(), counters);
    this.threads = new StepThreads(config.threads());
  }

  public EngineConfig config() {
    return config;
  }

  /**
   * {@code plan} and {@code p + u} as one fused step over {@code params} and {@code grads}, or null when
   * it cannot be fused (then the caller checks its inputs and runs the update unfused). Donating
   * ({@code donate}), the old params and state trees may be overwritten and are released. {@code state}
   * is the whole optimizer state, read only to name a donated array that is passed again.
   */
  public FusedOutcome tryStep(FusedPlan plan, Object params, Object state, Object grads, boolean donate) {
    return FusedStep.tryRun(this, plan, params, state, grads, donate);
  }

  /**
   * New float32 arrays of these shapes, zeros, one after another in one slab of this engine's memory,
   * laid out as a fused step lays out params and recorded as a step records its own arrays, so that a
   * step recognises them with one read per leaf and reads them as one run (see {@link LeafScan}). Null
   * when a shape has no elements or they are more than a slab holds.
   */
  public INDArray[] float32Arrays(List<long[]> shapes) {
    int n = shapes.size();
    ArrayShells.ShapeInfo[] infos = new ArrayShells.ShapeInfo[n];
    int[] starts = new int[n + 1];
    long total = 0;
    for (int i = 0; i < n; i++) {
      infos[i] = shells.float32(shapes.get(i));
      total += infos[i].length();
      if (infos[i].length() == 0 || total > Integer.MAX_VALUE - FusedStep.BLOCK) {
        return null;
      }
      starts[i + 1] = (int) total;
    }
    if (n == 0) {
      return new INDArray[0];
    }
    Lease lease = pool.lease((int) total, NativeViews.AVAILABLE ? n : 0);
    if (NativeViews.AVAILABLE) {
      lease.natives.reserve(n);
    }
    lease.slab.zero();
    DataBuffer[] data = new DataBuffer[n];
    INDArray[] arrays = new INDArray[n];
    ArrayShells.Maker maker = ArrayShells.maker(n);
    for (int i = 0; i < n; i++) {
      data[i] = NativeViews.leafBuffer(new LeafPointer(lease, starts[i], infos[i]), i);
      arrays[i] = maker.wrap(data[i], infos[i]);
    }
    lease.made = new Lease.LeafArrays(arrays, data, infos, starts);
    Nd4jInternals.publish();
    return arrays;
  }

  /** Throws naming the first array of {@code tree} that was donated or closed; {@code what} names the tree. */
  public void requireNotReleased(Object tree, String what) {
    Donation.requireNotReleased(tree, what);
  }

  /**
   * After an unfused donating step: releases the arrays of {@code params} and {@code state} that the
   * result does not hold and that were not also passed as {@code grads}.
   */
  public void releaseReplaced(Object params, Object state, Object grads, Object newParams, Object newState) {
    donation.releaseReplaced(params, state, grads, newParams, newState);
  }

  /** What this engine has done so far. */
  public EngineStats stats() {
    EngineCounters c = counters;
    return new EngineStats(c.fusedSteps.sum(), c.nativePasses.sum(), c.directPasses.sum(), c.copyingPasses.sum(),
        c.inputCopies.sum(), c.foreignChecks.sum(), pool.reused(), c.viewsMade.sum(), c.viewsLive.sum());
  }

  /** The kernels and threads this engine uses, in one line. */
  public String describe() {
    String kernels = nativeLoop >= 0 ? "native kernel (" + loopName(nativeLoop) + ")"
        : direct != null ? "Vector API kernels" : "Java array kernels";
    return threads.count + " thread" + (threads.count == 1 ? "" : "s") + ", " + kernels + ", arrays made by "
        + ArrayShells.way() + ", leaf buffers " + (NativeViews.AVAILABLE ? "owned by the pool" : "made by ND4J")
        + "; " + Nd4jInternals.describe();
  }

  /** True when {@code array}'s memory is one of an engine's slabs: a fused step made it. */
  public static boolean madeByAFusedStep(INDArray array) {
    return leaseOf(array) != null;
  }

  /**
   * The lease of the slab {@code array}'s memory is, as an identity token (arrays of one lease share
   * it; a donated step that updates in place keeps it), or null when a fused step did not make it.
   */
  public static Object leaseOf(INDArray array) {
    return array.data() != null && array.data().pointer() instanceof LeafPointer lp ? lp.lease : null;
  }

  /** The name of a native loop. */
  public static String loopName(int loop) {
    return switch (loop) {
      case 0 -> "SSE2";
      case 1 -> "AVX2";
      case 2 -> "AVX-512";
      default -> "loop " + loop;
    };
  }

  /** Stops the threads and frees the memory kept for reuse; arrays the engine made stay valid. */
  @Override
  public void close() {
    threads.close();
    pool.close();
  }
}
