package org.pytree4j.optim.engine;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.function.IntConsumer;
import org.pytree4j.optim.kernels.ApplyUpdatesKernel;
import org.pytree4j.optim.kernels.DirectKernels;
import org.pytree4j.optim.kernels.ElementwiseOp;
import org.pytree4j.optim.kernels.NativeKernels;

/**
 * The main pass of a {@link FusedStep}: every op and {@code p + u}, block by block, over all
 * elements, shared by the step's threads piece by piece ({@link StepThreads#share}). It runs in the
 * first way the engine allows and the ops and memory permit: the native kernel over the native memory
 * of an adam chain; the {@link DirectKernels}, which read and write the slabs in place and copy only
 * the gradients; or, always possible, each block of every input copied into scratch arrays, the ops'
 * array loops run on them, and the results copied out. All give the same bits.
 */
final class BlockPasses {
  private final Engine engine;
  /** One tree's elements: where they are read and written, and the slabs, when they are slabs. */
  record TreeMemory(FloatStream input, FloatStream output, Slab inputSlab, Slab outputSlab) {}

  private final FloatStream grads;
  private final int total;
  private final ElementwiseOp[] ops;
  /** The params first, then the state trees in the order of the ops. */
  private final List<TreeMemory> trees;

  BlockPasses(Engine engine, FloatStream grads, int total, List<ElementwiseOp> ops, List<TreeMemory> trees) {
    this.engine = engine;
    this.grads = grads;
    this.total = total;
    this.ops = ops.toArray(new ElementwiseOp[0]);
    this.trees = trees;
  }

  void run() {
    StepThreads threads = engine.threads;
    int pieces = (total + FusedStep.PIECE - 1) / FusedStep.PIECE;
    NativeKernels.Program program = nativeProgram();
    if (program != null) {
      engine.counters.nativePasses.increment();
      threads.share(threads.parts(total), pieces, () -> new NativeBlocks(program));
      return;
    }
    boolean direct = canRunDirect();
    (direct ? engine.counters.directPasses : engine.counters.copyingPasses).increment();
    // each thread keeps its scratch for all the pieces it takes: scratch made per piece is fresh heap
    // memory to zero and fetch every time, which made a 10M-param donated step about 10% slower
    threads.share(threads.parts(total), pieces, () -> direct ? new DirectBlocks() : new CopyingBlocks());
  }

  /**
   * True when the pass can read and write the slabs directly: the engine has the kernels, every op
   * has a direct form (or touches only the updates), and the params and every state tree are read
   * from one slab of the step's layout, as from the second step of a loop on.
   */
  private boolean canRunDirect() {
    if (engine.direct == null) {
      return false;
    }
    for (ElementwiseOp op : ops) {
      if (!op.updatesOnly() && !DirectKernels.hasDirectForm(op)) {
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
   * The native program of this pass, or null when the pass runs in Java: the engine does not use the
   * library, the ops are not an adam chain it covers, or an output could overwrite an input before it
   * is read. The kernel reads and writes element by element, so each output must be one run of
   * memory that overlaps no input but, at the very same place, its own tree's (a donated state).
   */
  private NativeKernels.Program nativeProgram() {
    if (engine.nativeLoop < 0 || trees.size() != 3) {
      return null;
    }
    NativeKernels.Program program = NativeKernels.Program.of(List.of(ops));
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
      program.run(runs, out[1], out[2], out[0], engine.nativeLoop);
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
    private final float[][][] opState = new float[ops.length][][];
    private final FloatStream.Cursor[] in = new FloatStream.Cursor[trees.size()];
    private final FloatStream.Cursor[] out = new FloatStream.Cursor[trees.size()];

    CopyingBlocks() {
      int k = 0;
      for (int j = 0; j < ops.length; j++) {
        int count = ops[j].stateTrees();
        opState[j] = Arrays.copyOfRange(s, k, k + count);
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
        for (int j = 0; j < ops.length; j++) {
          ops[j].runFloat32(u, opState[j], p, 0, n);
        }
        ApplyUpdatesKernel.runFloat32(p, u, 0, n);
        out[0].write(at, p, n);
        for (int t = 0; t < stateTrees; t++) {
          out[t + 1].write(at, s[t], n);
        }
      }
    }
  }

  /** State and params read and written in the slabs: only the gradients are copied. */
  private final class DirectBlocks extends Blocks {
    private final DirectKernels kernels = engine.direct;
    private final ByteBuffer[][] in = new ByteBuffer[ops.length][];
    private final ByteBuffer[][] out = new ByteBuffer[ops.length][];
    private final ByteBuffer paramsIn = trees.get(0).inputSlab().bytes;
    private final ByteBuffer paramsOut = trees.get(0).outputSlab().bytes;

    DirectBlocks() {
      int tree = 1;
      for (int j = 0; j < ops.length; j++) {
        int count = ops[j].stateTrees();
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
        for (int j = 0; j < ops.length; j++) {
          kernels.run(ops[j], u, in[j], out[j], 4 * at, n);
        }
        kernels.applyUpdates(u, paramsIn, paramsOut, 4 * at, n);
      }
    }
  }
}
