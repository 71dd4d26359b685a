package org.pytree4j.optim;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

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
  /** Whether passes may use the {@link NativeKernels} when they are there (tests compare both ways). */
  static volatile boolean nativeAllowed = true;
  /** How many passes ran in native code (for tests). */
  static final AtomicLong NATIVE_PASSES = new AtomicLong();

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
    NativeKernels.Program program = nativeProgram();
    if (program != null) {
      NATIVE_PASSES.incrementAndGet();
      StepThreads.share(StepThreads.parts(total), (total + FusedStep.PIECE - 1) / FusedStep.PIECE,
          () -> new NativeBlocks(program));
      return;
    }
    boolean direct = canRunDirect();
    if (direct) {
      DIRECT_PASSES.incrementAndGet();
    }
    int piece = FusedStep.PIECE;
    // each thread keeps its scratch for all the pieces it takes: scratch made per piece is fresh heap
    // memory to zero and fetch every time, which made a 10M-param donated step about 10% slower
    StepThreads.share(StepThreads.parts(total), (total + piece - 1) / piece,
        () -> direct ? new DirectBlocks() : new CopyingBlocks());
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

  /**
   * The native program of this pass, or null when the pass runs in Java: the library is not there,
   * the stages are not an adam chain it covers, or an output could overwrite an input before it is
   * read. The kernel reads and writes element by element, so each output must be one run of
   * memory that overlaps no input but, at the very same place, its own tree's (a donated state).
   */
  private NativeKernels.Program nativeProgram() {
    if (!NativeKernels.AVAILABLE || !nativeAllowed || trees.size() != 3) {
      return null;
    }
    NativeKernels.Program program = NativeKernels.Program.of(List.of(stages));
    if (program == null) {
      return null;
    }
    for (TreeMemory out : trees) {
      Slab slab = out.outputSlab();
      if (slab == null || !out.output().isWhole(slab.address)) {
        return null;
      }
      long from = slab.address;
      long to = from + 4L * total;
      if (grads.overlaps(from, to)) {
        return null;
      }
      for (TreeMemory in : trees) {
        if (in.input().overlaps(from, to) && (in != out || !in.input().isWhole(from))) {
          return null;
        }
      }
    }
    return program;
  }

  /** One thread's share of the pass in native code: one call per run of memory common to all streams. */
  private final class NativeBlocks implements IntConsumer {
    private final NativeKernels.Program program;
    private final FloatStream.Cursor g = grads.cursor();
    private final FloatStream.Cursor[] in = new FloatStream.Cursor[3];
    private final long[] out = new long[3];
    private final NativeKernels.Runs runs = new NativeKernels.Runs();

    NativeBlocks(NativeKernels.Program program) {
      this.program = program;
      for (int t = 0; t < 3; t++) {
        in[t] = trees.get(t).input().cursor();
        out[t] = trees.get(t).outputSlab().address;
      }
    }

    @Override
    public void accept(int piece) {
      int at = piece * FusedStep.PIECE;
      int to = Math.min(total, at + FusedStep.PIECE);
      runs.clear();
      while (at < to) {
        int end = Math.min(to, g.runEnd(at));
        for (FloatStream.Cursor c : in) {
          end = Math.min(end, c.runEnd(at));
        }
        runs.add(g.address(at), in[1].address(at), in[2].address(at), in[0].address(at), at, end - at);
        at = end;
      }
      program.run(runs, out[1], out[2], out[0]);
    }
  }

  /** One thread's share of the pass: it runs the pieces it is given, block by block. */
  private abstract class Blocks implements IntConsumer {
    final float[] u = new float[FusedStep.BLOCK];
    final FloatStream.Cursor g = grads.cursor();

    @Override
    public void accept(int piece) {
      int from = piece * FusedStep.PIECE;
      run(from, Math.min(total, from + FusedStep.PIECE));
    }

    abstract void run(int from, int to);
  }

  /** Every input block copied into scratch arrays, every result copied out. */
  private final class CopyingBlocks extends Blocks {
    private final float[] p = new float[FusedStep.BLOCK];
    private final float[][] s = new float[trees.size() - 1][FusedStep.BLOCK];
    private final float[][][] stageState = new float[stages.length][][];
    private final FloatStream.Cursor[] in = new FloatStream.Cursor[trees.size()];
    private final FloatStream.Cursor[] out = new FloatStream.Cursor[trees.size()];

    CopyingBlocks() {
      int k = 0;
      for (int j = 0; j < stages.length; j++) {
        int count = stages[j].stateTrees();
        stageState[j] = Arrays.copyOfRange(s, k, k + count);
        k += count;
      }
      for (int t = 0; t < trees.size(); t++) {
        in[t] = trees.get(t).input().cursor();
        out[t] = trees.get(t).output().cursor();
      }
    }

    @Override
    void run(int from, int to) {
      int stateTrees = s.length;
      for (int at = from; at < to; at += FusedStep.BLOCK) {
        int n = Math.min(FusedStep.BLOCK, to - at);
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
  }

  /** State and params read and written in the slabs: only the gradients are copied. */
  private final class DirectBlocks extends Blocks {
    private final DirectKernels kernels = DirectKernels.INSTANCE;
    private final ByteBuffer[][] in = new ByteBuffer[stages.length][];
    private final ByteBuffer[][] out = new ByteBuffer[stages.length][];
    private final ByteBuffer paramsIn = trees.get(0).inputSlab().bytes;
    private final ByteBuffer paramsOut = trees.get(0).outputSlab().bytes;

    DirectBlocks() {
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
    }

    @Override
    void run(int from, int to) {
      for (int at = from; at < to; at += FusedStep.BLOCK) {
        int n = Math.min(FusedStep.BLOCK, to - at);
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
}
