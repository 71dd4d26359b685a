package org.pytree4j.optim;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The main pass of a {@link FusedStep}: every stage and {@code p + u}, block by block, over all
 * elements, shared by the step's threads piece by piece ({@link StepThreads#share}). By default each
 * block of every input is copied into scratch arrays and the results copied out; when the
 * {@link DirectKernels} are there and the params and state are read from slabs, only the gradients
 * are copied and the stages read and write the slabs in place. Both give the same bits.
 */
final class BlockPasses {
  private static final float[][] NO_STATE = new float[0][];
  /** Whether passes may use {@link DirectKernels} when they are there (tests compare both ways). */
  static volatile boolean directAllowed = true;
  /** How many passes read and wrote the slabs directly (for tests). */
  static final AtomicLong DIRECT_PASSES = new AtomicLong();

  /** One tree's elements: where they are read and written, and the slabs, when they are slabs. */
  record TreeMemory(FloatStream input, FloatStream output, Slab inputSlab, Slab outputSlab) {}

  private final FloatStream grads;
  private final int total;
  private final FusedPart.Stage[] stages;
  /** The params first, then the state trees in the order of the stages. */
  private final List<TreeMemory> trees;

  BlockPasses(FloatStream grads, int total, List<FusedPart.Stage> stages, List<TreeMemory> trees) {
    this.grads = grads;
    this.total = total;
    this.stages = stages.toArray(new FusedPart.Stage[0]);
    this.trees = trees;
  }

  void run() {
    boolean direct = canRunDirect();
    if (direct) {
      DIRECT_PASSES.incrementAndGet();
    }
    int piece = FusedStep.PIECE;
    StepThreads.share(StepThreads.parts(total), (total + piece - 1) / piece, () -> index -> {
      int from = index * piece;
      int to = Math.min(total, from + piece);
      if (direct) {
        direct(from, to);
      } else {
        copying(from, to);
      }
    });
  }

  /**
   * True when the pass can read and write the slabs directly: the kernels are there, every stage
   * has a direct form (or touches only the updates), and the params and every state tree are read
   * from one slab of the step's layout, as from the second step of a loop on.
   */
  private boolean canRunDirect() {
    if (DirectKernels.INSTANCE == null || !directAllowed) {
      return false;
    }
    for (FusedPart.Stage s : stages) {
      if (!s.runsDirect()) {
        return false;
      }
    }
    // each tree's block is read and written by different kernels one after the other, so no slab
    // may be read as one tree and written as another (the copying pass reads every input first)
    IdentityHashMap<Slab, Boolean> inputs = new IdentityHashMap<>();
    for (TreeMemory t : trees) {
      if (t.inputSlab() == null || t.inputSlab().bytes == null || t.outputSlab().bytes == null
          || inputs.put(t.inputSlab(), true) != null) {
        return false;
      }
    }
    return true;
  }

  /** Elements {@code [from, to)}: every input block copied into scratch arrays, every result copied out. */
  private void copying(int from, int to) {
    int block = FusedStep.BLOCK;
    int stateTrees = trees.size() - 1;
    float[] u = new float[block];
    float[] p = new float[block];
    float[][] s = new float[stateTrees][block];
    float[][][] stageState = new float[stages.length][][];
    int k = 0;
    for (int j = 0; j < stages.length; j++) {
      int count = stages[j].stateTrees();
      stageState[j] = Arrays.copyOfRange(s, k, k + count);
      k += count;
    }
    FloatStream.Cursor g = grads.cursor();
    FloatStream.Cursor[] in = new FloatStream.Cursor[trees.size()];
    FloatStream.Cursor[] out = new FloatStream.Cursor[trees.size()];
    for (int t = 0; t < trees.size(); t++) {
      in[t] = trees.get(t).input().cursor();
      out[t] = trees.get(t).output().cursor();
    }
    for (int at = from; at < to; at += block) {
      int n = Math.min(block, to - at);
      g.read(at, u, n);
      in[0].read(at, p, n);
      for (int t = 0; t < stateTrees; t++) {
        in[t + 1].read(at, s[t], n);
      }
      for (int j = 0; j < stages.length; j++) {
        stages[j].stage().run(u, stageState[j], p, n);
      }
      ApplyUpdates.kernel(p, u, 0, n);
      out[0].write(at, p, n);
      for (int t = 0; t < stateTrees; t++) {
        out[t + 1].write(at, s[t], n);
      }
    }
  }

  /** Elements {@code [from, to)} with state and params read and written in the slabs: only the gradients are copied. */
  private void direct(int from, int to) {
    int block = FusedStep.BLOCK;
    DirectKernels kernels = DirectKernels.INSTANCE;
    float[] u = new float[block];
    ByteBuffer[][] in = new ByteBuffer[stages.length][];
    ByteBuffer[][] out = new ByteBuffer[stages.length][];
    int tree = 1;
    for (int j = 0; j < stages.length; j++) {
      int count = stages[j].stateTrees();
      in[j] = new ByteBuffer[count];
      out[j] = new ByteBuffer[count];
      for (int k = 0; k < count; k++, tree++) {
        in[j][k] = trees.get(tree).inputSlab().bytes;
        out[j][k] = trees.get(tree).outputSlab().bytes;
      }
    }
    ByteBuffer paramsIn = trees.get(0).inputSlab().bytes;
    ByteBuffer paramsOut = trees.get(0).outputSlab().bytes;
    FloatStream.Cursor g = grads.cursor();
    for (int at = from; at < to; at += block) {
      int n = Math.min(block, to - at);
      g.read(at, u, n);
      for (int j = 0; j < stages.length; j++) {
        FusedPart.Stage stage = stages[j];
        if (stage.direct() != null) {
          stage.direct().run(u, in[j], out[j], 4 * at, n);
        } else {
          stage.stage().run(u, NO_STATE, null, n);
        }
      }
      kernels.applyUpdates(u, paramsIn, paramsOut, 4 * at, n);
    }
  }
}
