package org.pytree4j.optim.engine;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pytree4j.Flattened;
import org.pytree4j.TreeDef;
import org.pytree4j.TreeMismatchException;
import org.pytree4j.optim.kernels.ClipOp;
import org.pytree4j.optim.kernels.ElementwiseOp;
import org.pytree4j.optim.kernels.GlobalNormClip;
import org.pytree4j.optim.kernels.NativeKernels;
import org.pytree4j.optim.kernels.OffHeap;
import org.pytree4j.optim.kernels.SumOfSquares;

/**
 * {@code tx.update} and {@code applyUpdates} as one pass over memory, for steps whose every leaf is a
 * float32 array and whose transformations are elementwise ops ({@link FusedPlan}).
 *
 * <ul>
 *   <li>Ravel: the leaves of each tree are one run of elements ({@link FloatStream}), read where they
 *       lie in native memory ({@link LeafMemory}); the new params and each new state tree are written
 *       into one pooled slab each ({@link SlabPool}), and their leaf arrays are cheap shells over it
 *       ({@link LeafPointer}, {@link ArrayShells}). Many-leaf trees are dominated by per-leaf costs,
 *       mostly cache misses on the objects behind each leaf: the leaves are read level by level, a
 *       tree of the arrays an earlier step made is recognised from its slab's record of them
 *       ({@link LeafScan}), other trees are read by both cores, and the new trees are made (on both
 *       cores) before the passes evict what was just read. Under {@link Flatten} a state tree is one
 *       vector: one array, where it would be one per leaf.</li>
 *   <li>Fuse: blocks of {@value #BLOCK} elements are copied into scratch arrays, every op and
 *       {@code p + u} run on them, and the results are copied out: each input is read once and each
 *       output written once. A leading {@code clip_by_global_norm} adds one read of the gradients.
 *       When the Vector API is enabled and the params and state come from slabs, only the gradients
 *       are copied; the ops read and write the slabs directly. An adam chain runs in native code
 *       where the library is there ({@link BlockPasses}).</li>
 *   <li>Donate: a donated tree that lives in a slab of the layout this step writes is updated in
 *       place; every donated array is then released ({@link Donation}).</li>
 *   <li>The engine's threads share the passes when the work is large enough ({@link StepThreads}).</li>
 * </ul>
 * Every pass gives the bits of the ops' float32 array loops, which the unfused transformations call
 * too. Anything else (other dtypes, None leaves, empty arrays) returns null and runs unfused.
 */
final class FusedStep {
  static final int BLOCK = SumOfSquares.CHUNK;
  /** Elements a thread takes at a time (whole blocks). */
  static final int PIECE = 64 * BLOCK;
  /** Leaves from which the trees are scanned on several threads. */
  private static final int SCAN_PARALLEL_MIN = 256;

  private final Engine engine;
  private final FusedPlan plan;
  private final int leaves;
  private final int total;
  private final int[] starts;
  private final ArrayShells.ShapeInfo[] shapes;
  /** The shape of a tree raveled into one vector ({@link Flatten}): {@code [total]}; null when no tree is. */
  private final ArrayShells.ShapeInfo vectorShape;
  private final FloatStream grads = new FloatStream();
  private final List<Tree> trees = new ArrayList<>();
  /** C-order copies of inputs that were not contiguous; they must outlive the passes. */
  private final List<INDArray> copies = new ArrayList<>();
  /** The slabs some gradient lives in: never updated in place. */
  private final IdentityHashMap<Lease, Boolean> gradLeases = new IdentityHashMap<>();

  /** One tree the step reads and writes: the params, or one state tree of a stage (one vector when raveled). */
  private static final class Tree {
    final LeafScan scan;
    final boolean raveled;
    final FloatStream input;
    /** The slab the whole input is, when it is one of this step's layout. */
    Lease inputLease;
    Lease inPlace;
    FloatStream output;
    Lease lease;

    Tree(LeafScan scan, boolean raveled, FloatStream input) {
      this.scan = scan;
      this.raveled = raveled;
      this.input = input;
    }
  }

  private FusedStep(Engine engine, FusedPlan plan, int leaves, int total, int[] starts, ArrayShells.ShapeInfo[] shapes,
      LeafScan gradScan) {
    this.engine = engine;
    this.plan = plan;
    this.leaves = leaves;
    this.total = total;
    this.starts = starts;
    this.shapes = shapes;
    this.vectorShape = plan.raveled().contains(true) ? engine.shells.float32(new long[] {total}) : null;
    for (int i = 0; i < leaves; i++) {
      Lease own = append(grads, gradScan, i, shapes[i]);
      if (own != null) {
        gradLeases.put(own, true);
      }
    }
  }

  /**
   * The fused step, or null when it cannot be fused; then the caller checks the inputs and runs the
   * unfused reference. Whatever the fused step relies on is checked here (structure, shapes, dtypes);
   * any input it does not accept returns null, so that errors are always reported by the reference's
   * checks. Only reading a donated array is reported here, as an {@link IllegalArgumentException}
   * naming it ({@code state}, the whole optimizer state, is only read for that).
   */
  static FusedOutcome tryRun(Engine engine, FusedPlan plan, Object params, Object state, Object grads,
      boolean donate) {
    if (!OffHeap.AVAILABLE || !plan.normOnlyFirst()) {
      return null;
    }
    Flattened flat = Donation.NONE_IS_LEAF.flatten(grads);
    TreeDef def = flat.treeDef();
    List<List<Object>> trees = new ArrayList<>();
    trees.add(flat.leaves());
    try {
      trees.add(def.flattenUpTo(params));
      for (int k = 0; k < plan.stateTrees().size(); k++) {
        Object tree = plan.stateTrees().get(k);
        if (plan.raveled().get(k) && tree == null) {
          return null;
        }
        trees.add(plan.raveled().get(k) ? List.of(tree) : def.flattenUpTo(tree));
      }
    } catch (TreeMismatchException e) {
      return null;
    }
    LeafScan[] scans = scan(engine, trees);
    if (scans == null) {
      return null;
    }
    for (LeafScan s : scans) {
      s.countingInto(engine.counters);
      if (s.anyReleased) {
        Donation.requireNotReleased(grads, "grads");
        Donation.requireNotReleased(params, "params");
        Donation.requireNotReleased(state, "the optimizer state");
        return null;
      }
    }
    FusedStep step = classify(engine, plan, scans);
    if (step == null) {
      return null;
    }
    return step.run(def, donate, flat.leaves());
  }

  /**
   * The scans of the gradients', params' and state trees' leaves, or null when one fails. Large trees
   * are read on both cores, in pieces the threads take as they finish one: a piece is a tree of the
   * arrays an earlier step made (recognised with one read per leaf), or a part of any other tree
   * (the gradients, mostly), read level by level.
   */
  private static LeafScan[] scan(Engine engine, List<List<Object>> leafLists) {
    StepThreads threads = engine.threads;
    LeafScan[] scans = new LeafScan[leafLists.size()];
    if (leafLists.get(0).size() < SCAN_PARALLEL_MIN || threads.count == 1) {
      for (int k = 0; k < scans.length; k++) {
        if ((scans[k] = LeafScan.of(leafLists.get(k), threads)) == null) {
          return null;
        }
      }
      return scans;
    }
    LeafScan.AnyScan[] any = new LeafScan.AnyScan[scans.length];
    List<Runnable> pieces = new ArrayList<>();
    List<Runnable> made = new ArrayList<>();
    for (int k = 0; k < scans.length; k++) {
      List<Object> leaves = leafLists.get(k);
      int tree = k;
      if (LeafScan.mayBeMade(leaves)) {
        made.add(() -> scans[tree] = LeafScan.ofArraysMade(leaves));
      } else {
        int parts = Math.max(1, Math.min(8, leaves.size() / 2048));
        // the gradients (tree 0) are never donated
        any[k] = new LeafScan.AnyScan(leaves, parts, k > 0);
        for (int part = 0; part < parts; part++) {
          int p = part;
          pieces.add(() -> any[tree].part(p));
        }
      }
    }
    // the long pieces first, so that the short ones fill in at the end
    pieces.addAll(made);
    threads.share(threads.count, pieces.size(), () -> piece -> pieces.get(piece).run());
    for (int k = 0; k < scans.length; k++) {
      if (any[k] != null) {
        scans[k] = any[k].result();
      } else if (scans[k] == null) {
        // its first leaf looked like an earlier step's, the rest did not
        scans[k] = LeafScan.ofAny(leafLists.get(k), threads.count, threads);
      }
      if (scans[k] == null) {
        return null;
      }
    }
    return scans;
  }

  /**
   * {@code scans}: the gradients, the params, then each state tree. When the params are the arrays an
   * earlier step made, that step's layout (shapes and starts) is reused, and the state trees it made
   * with the same layout need no check per leaf.
   */
  private static FusedStep classify(Engine engine, FusedPlan plan, LeafScan[] scans) {
    LeafScan gradScan = scans[0];
    LeafScan paramScan = scans[1];
    int leaves = gradScan.size();
    if (leaves == 0) {
      return null;
    }
    Lease.LeafArrays layout = paramScan.made;
    int[] starts = layout != null ? layout.starts() : new int[leaves + 1];
    ArrayShells.ShapeInfo[] shapes = layout != null ? layout.shapes() : new ArrayShells.ShapeInfo[leaves];
    boolean[] checkLeaves = new boolean[scans.length];
    for (int k = 2; k < scans.length; k++) {
      checkLeaves[k] = !plan.raveled().get(k - 2) && (scans[k].made == null || scans[k].made.shapes() != shapes);
    }
    long total = 0;
    for (int i = 0; i < leaves; i++) {
      ArrayShells.ShapeInfo shape = shapes[i];
      if (layout == null) {
        ArrayShells.ShapeInfo own = paramScan.ownShape(i);
        shape = own != null ? own : foreignShape(engine, paramScan.arrays[i]);
      }
      if (shape == null || !gradScan.fits(i, shape)) {
        return null;
      }
      for (int k = 2; k < scans.length; k++) {
        if (checkLeaves[k] && !scans[k].isOwn(i, shape) && !scans[k].fits(i, shape)) {
          return null;
        }
      }
      if (layout == null) {
        total += shape.length();
        if (total > Integer.MAX_VALUE - BLOCK) {
          return null;
        }
        starts[i + 1] = (int) total;
        shapes[i] = shape;
      }
    }
    total = starts[leaves];
    FusedStep step = new FusedStep(engine, plan, leaves, (int) total, starts, shapes, gradScan);
    for (int k = 2; k < scans.length; k++) {
      if (plan.raveled().get(k - 2) && (scans[k].size() != 1
          || !(scans[k].isOwn(0, step.vectorShape) || scans[k].fits(0, step.vectorShape)))) {
        return null;
      }
    }
    for (int k = 1; k < scans.length; k++) {
      step.trees.add(step.tree(scans[k], k >= 2 && plan.raveled().get(k - 2)));
    }
    return step;
  }

  /** The shared descriptor of a fusable array's shape, or null when it is not float32 or empty. */
  private static ArrayShells.ShapeInfo foreignShape(Engine engine, INDArray a) {
    if (a.dataType() != DataType.FLOAT || a.isEmpty() || a.length() > Integer.MAX_VALUE) {
      return null;
    }
    return engine.shells.float32(a.shape());
  }

  /** The tree {@code scan} read; {@code raveled}: one vector of {@code total} elements rather than one leaf per leaf. */
  private Tree tree(LeafScan scan, boolean raveled) {
    if (!raveled && scan.made != null && scan.made.starts() == starts) {
      // made by an earlier step in this step's layout: one run of its slab
      Lease lease = scan.ownLease[0];
      Tree t = new Tree(scan, false, FloatStream.whole(lease.slab.address, total));
      t.inputLease = lease.slab.floats == total ? lease : null;
      t.inPlace = t.inputLease;
      return t;
    }
    FloatStream in = new FloatStream();
    Lease common = null;
    boolean layout = true;
    int count = raveled ? 1 : leaves;
    for (int i = 0; i < count; i++) {
      Lease own = append(in, scan, i, raveled ? vectorShape : shapes[i]);
      if (own == null || scan.ownOffset[i] != (raveled ? 0 : starts[i]) || (common != null && own != common)) {
        layout = false;
      } else {
        common = own;
      }
    }
    Tree t = new Tree(scan, raveled, in);
    t.inputLease = layout && common != null && common.slab.floats == total ? common : null;
    t.inPlace = t.inputLease;
    return t;
  }

  /** Appends leaf {@code i}'s elements to {@code stream}; returns its slab's lease when it is one of the pool's arrays. */
  private Lease append(FloatStream stream, LeafScan scan, int i, ArrayShells.ShapeInfo shape) {
    int n = (int) shape.length();
    if (scan.hasDescriptor(i, shape)) {
      stream.append(scan.address[i], n);
      return scan.isOwn(i, shape) ? scan.ownLease[i] : null;
    }
    long address = scan.contiguousAddress(i, shape);
    if (address < 0) {
      INDArray copy = scan.arrays[i].dup('c');
      copies.add(copy);
      engine.counters.inputCopies.increment();
      address = LeafMemory.address(copy, shape);
    }
    stream.append(address, n);
    return null;
  }

  /**
   * Makes the new trees over the output memory first, while the leaves just scanned are still in
   * cache, then runs the passes that fill that memory. Nothing can fail after the checks above; the
   * released arrays' buffers stay reachable through the scans until the passes are done.
   */
  private FusedOutcome run(TreeDef def, boolean donate, List<Object> g) {
    prepareOutputs(donate);
    INDArray[][] out = new INDArray[trees.size()][];
    DataBuffer[][] buffers = new DataBuffer[trees.size()][];
    for (int t = 0; t < trees.size(); t++) {
      Tree tree = trees.get(t);
      out[t] = new INDArray[tree.raveled ? 1 : leaves];
      // updated in place: the new arrays take the donated arrays' buffers, as the scan read them
      buffers[t] = tree.inPlace != null ? tree.scan.data : new DataBuffer[out[t].length];
    }
    Set<Object> keepGradients = donate ? gradientSet(g) : null;
    int parts = (long) leaves * trees.size() >= SCAN_PARALLEL_MIN ? engine.threads.count : 1;
    engine.threads.run(parts, part -> makeArrays(out, buffers, part, parts, keepGradients));
    for (int t = 0; t < trees.size(); t++) {
      Tree tree = trees.get(t);
      Lease lease = tree.inPlace != null ? tree.inPlace : tree.lease;
      lease.made = tree.raveled
          ? new Lease.LeafArrays(out[t], buffers[t], new ArrayShells.ShapeInfo[] {vectorShape}, new int[] {0, total})
          : new Lease.LeafArrays(out[t], buffers[t], shapes, starts);
    }
    List<Object> newStateTrees = new ArrayList<>(trees.size() - 1);
    for (int t = 1; t < trees.size(); t++) {
      newStateTrees.add(trees.get(t).raveled ? out[t][0] : def.unflatten(Arrays.asList(out[t])));
    }
    Object newParams = def.unflatten(Arrays.asList(out[0]));
    mainPass(resolveOps());
    engine.counters.fusedSteps.increment();
    // the passes read the inputs through raw addresses: keep their buffers alive until they are done
    Reference.reachabilityFence(this);
    Reference.reachabilityFence(g);
    return new FusedOutcome(newParams, newStateTrees);
  }

  private void prepareOutputs(boolean donate) {
    IdentityHashMap<Lease, Boolean> taken = new IdentityHashMap<>(gradLeases);
    for (Tree t : trees) {
      boolean inPlace = donate && t.inPlace != null && t.scan.releasable && taken.put(t.inPlace, true) == null;
      if (inPlace) {
        t.output = t.input;
      } else {
        t.inPlace = null;
        int views = !NativeViews.AVAILABLE ? 0 : t.raveled ? 1 : leaves;
        t.lease = engine.pool.lease(total, views);
        if (NativeViews.AVAILABLE) {
          t.lease.natives.reserve(views);
        }
        t.output = FloatStream.whole(t.lease.slab.address, total);
      }
    }
  }

  /** The ops with the global norm filled in (a clip that does not trigger drops out). */
  private List<ElementwiseOp> resolveOps() {
    List<ElementwiseOp> ops = new ArrayList<>(plan.ops());
    if (!ops.isEmpty() && ops.get(0) instanceof GlobalNormClip clip) {
      double norm = Math.sqrt(clip.overOneVector() ? sumOfSquares(new int[] {0, total}) : sumOfSquares(starts));
      ops.remove(0);
      ClipOp resolved = clip.resolve(norm);
      if (resolved != null) {
        ops.add(0, resolved);
      }
    }
    return ops;
  }

  /**
   * The gradients' sum of squares, chunk by chunk exactly as {@link SumOfSquares#ofFloat32} (the chunks
   * in native code where the engine runs the native kernel and a leaf is one run of memory),
   * over the leaves that start at {@code starts} (the step's leaves, or one leaf of every element).
   */
  private double sumOfSquares(int[] starts) {
    int leaves = starts.length - 1;
    int[] firstChunk = new int[leaves + 1];
    for (int i = 0; i < leaves; i++) {
      int n = starts[i + 1] - starts[i];
      firstChunk[i + 1] = firstChunk[i] + (n + BLOCK - 1) / BLOCK;
    }
    int chunks = firstChunk[leaves];
    float[] chunkSums = new float[chunks];
    int pieceChunks = PIECE / BLOCK;
    engine.threads.share(engine.threads.parts(total), (chunks + pieceChunks - 1) / pieceChunks, () -> {
      FloatStream.Cursor in = grads.cursor();
      // the Java loop's scratch, made only when a chunk is not in one run of memory or there is no native kernel
      float[][] scratch = new float[3][];
      return piece -> {
        int from = piece * pieceChunks;
        int to = Math.min(chunks, from + pieceChunks);
        int leaf = Arrays.binarySearch(firstChunk, 0, leaves, from);
        leaf = leaf >= 0 ? leaf : -leaf - 2;
        // chunk sums land at their own index, so the sum below does not depend on which thread ran them
        for (int c = from; c < to; ) {
          while (c >= firstChunk[leaf + 1]) {
            leaf++;
          }
          int start = starts[leaf] + (c - firstChunk[leaf]) * BLOCK;
          int last = Math.min(to, firstChunk[leaf + 1]);
          int elements = Math.min((last - c) * BLOCK, starts[leaf + 1] - start);
          if (engine.nativeLoop >= 0 && in.runEnd(start) >= start + elements) {
            NativeKernels.chunkSumsOfSquares(in.address(start), elements, chunkSums, c, engine.nativeLoop);
            c = last;
            continue;
          }
          if (scratch[0] == null) {
            scratch[0] = new float[BLOCK];
            scratch[1] = new float[BLOCK / 4];
            scratch[2] = new float[BLOCK / 8];
          }
          int n = Math.min(BLOCK, starts[leaf + 1] - start);
          in.read(start, scratch[0], n);
          Arrays.fill(scratch[0], n, BLOCK, 0f);
          chunkSums[c++] = SumOfSquares.chunk(scratch[0], scratch[1], scratch[2]);
        }
      };
    });
    double sum = 0;
    for (int i = 0; i < leaves; i++) {
      double leafSum = 0;
      for (int c = firstChunk[i]; c < firstChunk[i + 1]; c++) {
        leafSum += chunkSums[c];
      }
      sum += leafSum;
    }
    return sum;
  }

  private void mainPass(List<ElementwiseOp> ops) {
    List<BlockPasses.TreeMemory> memory = new ArrayList<>(trees.size());
    for (Tree t : trees) {
      Slab out = t.inPlace != null ? t.inPlace.slab : t.lease.slab;
      memory.add(new BlockPasses.TreeMemory(t.input, t.output, t.inputLease == null ? null : t.inputLease.slab, out));
    }
    new BlockPasses(engine, grads, total, ops, memory).run();
  }

  /**
   * The leaf arrays of every output tree, for leaves of part {@code part} (of {@code parts}); when
   * donating ({@code keepGradients} not null), then releases the donated arrays of those leaves,
   * except those also passed as gradients.
   */
  private void makeArrays(INDArray[][] out, DataBuffer[][] buffers, int part, int parts, Set<Object> keepGradients) {
    int from = (int) ((long) leaves * part / parts);
    int to = (int) ((long) leaves * (part + 1) / parts);
    ArrayShells.Maker shells = ArrayShells.maker((to - from) * trees.size() + trees.size());
    for (int t = 0; t < trees.size(); t++) {
      Tree tree = trees.get(t);
      if (tree.raveled) {
        if (from == 0) {
          makeArray(shells, out[t], buffers[t], tree, 0, 0, vectorShape);
        }
        continue;
      }
      for (int i = from; i < to; i++) {
        makeArray(shells, out[t], buffers[t], tree, i, starts[i], shapes[i]);
      }
    }
    if (keepGradients != null) {
      for (Tree tree : trees) {
        if (!tree.raveled) {
          engine.donation.releaseFloat32(tree.scan.arrays, from, to, keepGradients, tree.scan.releasable);
        } else if (from == 0) {
          engine.donation.releaseFloat32(tree.scan.arrays, 0, 1, keepGradients, tree.scan.releasable);
        }
      }
    }
  }

  /**
   * Array {@code i} of {@code tree}'s output, over its elements from {@code start}: over
   * {@code buffers[i]} when the tree is updated in place, else over a new view of its slab, stored
   * there. (Storing a buffer into {@code buffers} again would check its class: a cache miss per leaf.)
   */
  private static void makeArray(ArrayShells.Maker shells, INDArray[] out, DataBuffer[] buffers, Tree tree, int i,
      int start, ArrayShells.ShapeInfo shape) {
    DataBuffer data;
    if (tree.inPlace != null) {
      data = buffers[i];
    } else {
      data = NativeViews.leafBuffer(new LeafPointer(tree.lease, start, shape), i);
      buffers[i] = data;
    }
    out[i] = shells.wrap(data, shape);
  }

  /**
   * The gradients as an identity set, when one of them may also be a donated array (params or state
   * leaves), which must then not be released; else empty.
   */
  private Set<Object> gradientSet(List<Object> g) {
    // a gradient can be one of the donated arrays only if some donated tree is not one slab's
    // arrays, or if a gradient is an array over that very slab; gradients that are the arrays of
    // another slab (updates an earlier transformation made, say) are none of the donated ones. In a
    // training loop neither holds, and the look-up set is skipped
    boolean overlapPossible = false;
    for (Tree t : trees) {
      overlapPossible |= t.inputLease == null || gradLeases.containsKey(t.inputLease);
    }
    Set<Object> gradients = Collections.newSetFromMap(new IdentityHashMap<>());
    if (overlapPossible) {
      gradients.addAll(g);
    }
    return gradients;
  }
}
