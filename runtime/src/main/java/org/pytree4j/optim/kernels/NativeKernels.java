package org.pytree4j.optim.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The fused adam step in native code ({@code src/main/c/adam_chain.c}, built into the runtime jar for
 * linux-x86_64 when the build machine has gcc): one vectorized pass over the native memory of the
 * gradients, moments and params, with no copies through scratch arrays, which Java 17 cannot do
 * without the incubating Vector API (and then only at 1.6x the speed of a loop over Java arrays,
 * see docs/benchmarks.md). It covers the chains Optax's adam family makes: an optional leading clip,
 * adam or nadam, optional decayed weights (adamw), and up to four scales ({@link Program#of}); other
 * ops run in Java. It also sums the squares of the gradients for a leading global-norm clip
 * ({@link #chunkSumsOfSquares}), vectorized over native memory where Java copies and sums. Each element gets the same float32 operations in the same order as the ops' array
 * loops, so the results are the same bits; the library is used only after it shows that on a small
 * case, for every loop this CPU runs. Set {@value #PROPERTY} to {@code false} to keep the Java passes.
 */
public final class NativeKernels {
  public static final String PROPERTY = "pytree4j.optim.native";
  static final int MAX_SCALES = 4;
  /** The kernel's loops, narrowest first: SSE2, AVX2, and AVX-512 of its second generation (see adam_chain.c). */
  public static final int LOOPS = 3;
  /** True when the library loaded and agrees with the array loops. */
  public static final boolean AVAILABLE = load();

  private static final int CLIP = 1;
  private static final int NESTEROV = 2;
  private static final int DECAY = 4;
  private static final int COEFFICIENTS = 16;

  private NativeKernels() {}

  /**
   * Each of the {@code count} runs of {@code table} ({@link Runs}) through loop {@code loop}: clip,
   * adam, decay and scales as {@code flags}, {@code scales} and {@code coefficients} say, then
   * {@code p + u}, written at the run's start in the output slabs. Outputs may be their own inputs.
   */
  private static native void adamChainRuns(long[] table, int count, long muOut, long nuOut, long paramsOut,
      int flags, int scales, float[] coefficients, int loop);

  /**
   * The sums of squares of the {@link SumOfSquares#CHUNK}-element chunks of the {@code n} floats at
   * {@code address} (the last one padded with zeros), as {@link SumOfSquares#chunk} sums them, into
   * {@code sums[at ...]}, with loop {@code loop}.
   */
  public static native void chunkSumsOfSquares(long address, int n, float[] sums, int at, int loop);

  /** The widest loop this CPU runs well: the one steps use unless told otherwise. */
  public static native int widestLoop();

  /** True when this CPU runs loop {@code loop} (0 .. {@value #LOOPS} - 1). */
  public static native boolean runsHere(int loop);

  /**
   * The runs of one native call: for each, where its gradients, moments and params lie and where it
   * starts in the output slabs. A pass over many small leaves makes one call per part, not one per
   * leaf, and the kernel fetches the next runs' memory while it works on this one. One thread's, reused.
   */
  public static final class Runs {
    /** The longs of one run, as the kernel reads them: grads, mu, nu, params, start, length. */
    private static final int RUN_LONGS = 6;
    /** Grown as runs are added: a small model's step has a few runs, and every step makes a new table. */
    private long[] table = new long[RUN_LONGS * 4];
    private int count;

    public void clear() {
      count = 0;
    }

    public void add(long grads, long muIn, long nuIn, long paramsIn, int at, int n) {
      int i = count * RUN_LONGS;
      if (i + RUN_LONGS > table.length) {
        table = Arrays.copyOf(table, table.length * 2);
      }
      long[] t = table;
      t[i] = grads;
      t[i + 1] = muIn;
      t[i + 2] = nuIn;
      t[i + 3] = paramsIn;
      t[i + 4] = at;
      t[i + 5] = n;
      count++;
    }
  }

  /** The ops as one call of the native kernel, with their float32 scalars; immutable. */
  public static final class Program {
    private final int flags;
    private final int scales;
    private final float[] coefficients;

    private Program(int flags, int scales, float[] coefficients) {
      this.flags = flags;
      this.scales = scales;
      this.coefficients = coefficients;
    }

    /**
     * The program for {@code ops}, or null when they are not an adam chain the kernel covers: an
     * optional {@link ClipOp}, an {@link AdamOp}, an optional {@link DecayOp}, up to four {@link ScaleOp}s.
     */
    public static Program of(List<ElementwiseOp> ops) {
      float[] c = new float[COEFFICIENTS];
      int flags = 0;
      int at = 0;
      ElementwiseOp op = at < ops.size() ? ops.get(at) : null;
      if (op instanceof ClipOp clip) {
        flags |= CLIP;
        c[0] = (float) clip.norm();
        c[1] = (float) clip.maxNorm();
        op = ++at < ops.size() ? ops.get(at) : null;
      }
      if (!(op instanceof AdamOp a)) {
        return null;
      }
      c[2] = (float) a.b1();
      c[3] = (float) a.b2();
      c[4] = (float) (1 - a.b1());
      c[5] = (float) (1 - a.b2());
      c[6] = (float) a.bc1();
      c[7] = (float) a.bc2();
      c[8] = (float) a.bc1Next();
      c[9] = (float) a.eps();
      c[10] = (float) a.epsRoot();
      flags |= a.nesterov() ? NESTEROV : 0;
      op = ++at < ops.size() ? ops.get(at) : null;
      if (op instanceof DecayOp decay) {
        flags |= DECAY;
        c[11] = (float) decay.weightDecay();
        op = ++at < ops.size() ? ops.get(at) : null;
      }
      int scales = 0;
      while (op instanceof ScaleOp scale && scales < MAX_SCALES) {
        c[12 + scales++] = (float) scale.factor();
        op = ++at < ops.size() ? ops.get(at) : null;
      }
      return at == ops.size() ? new Program(flags, scales, c) : null;
    }

    /**
     * Runs the program with loop {@code loop} (one this CPU {@link #runsHere runs}) over every run of
     * {@code runs}, each written at its start from these output addresses.
     */
    public void run(Runs runs, long muOut, long nuOut, long paramsOut, int loop) {
      adamChainRuns(runs.table, runs.count, muOut, nuOut, paramsOut, flags, scales, coefficients, loop);
    }
  }

  private static boolean load() {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true")) || !OffHeap.AVAILABLE) {
      return false;
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return false;
    }
    try (InputStream library = NativeKernels.class.getResourceAsStream("native/linux-x86_64/libpytree4j.so")) {
      if (library == null) {
        return false;
      }
      Path file = Files.createTempFile("pytree4j-", ".so");
      try {
        Files.copy(library, file, StandardCopyOption.REPLACE_EXISTING);
        System.load(file.toAbsolutePath().toString());
      } finally {
        // a loaded library stays mapped after its file is gone
        Files.deleteIfExists(file);
      }
      return SelfCheck.agrees();
    } catch (IOException | LinkageError | RuntimeException e) {
      return false;
    }
  }

  /**
   * Runs every kind of program on a few vectors and a tail, in place and not, against the array
   * loops, on every loop this CPU runs.
   */
  public static final class SelfCheck {
    private static final MethodHandle ALLOCATE =
        UnsafeAccess.method("allocateMemory", MethodType.methodType(long.class, long.class));
    private static final MethodHandle FREE =
        UnsafeAccess.method("freeMemory", MethodType.methodType(void.class, long.class));

    private SelfCheck() {}

    static boolean agrees() {
      if (ALLOCATE == null || FREE == null) {
        return false;
      }
      for (int loop = 0; loop < LOOPS; loop++) {
        if (runsHere(loop) && !agrees(loop)) {
          return false;
        }
      }
      return runsHere(widestLoop());
    }

    /**
     * True when every program, in place and not, and the chunk sums of squares give the array loops'
     * bits with loop {@code loop}.
     */
    public static boolean agrees(int loop) {
      if (!chunkSumsAgree(loop)) {
        return false;
      }
      for (int flags = 0; flags < 8; flags++) {
        for (int scales = 0; scales <= MAX_SCALES; scales++) {
          for (boolean inPlace : new boolean[] {false, true}) {
            if (!agrees(flags, scales, inPlace, loop)) {
              return false;
            }
          }
        }
      }
      return true;
    }

    /** Three whole chunks and a short one, of the samples' gradients at growing scales. */
    private static boolean chunkSumsAgree(int loop) {
      float[] g = KernelSamples.make().grads();
      int n = 3 * SumOfSquares.CHUNK + 37;
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        x[i] = g[i % g.length] * (1 + i % 97) * 0.37f;
      }
      float[] sums = new float[6];
      long memory = allocate(x);
      try {
        chunkSumsOfSquares(memory, n, sums, 1, loop);
      } finally {
        free(memory);
      }
      float[] chunk = new float[SumOfSquares.CHUNK];
      float[] t = new float[SumOfSquares.CHUNK / 4];
      float[] u = new float[SumOfSquares.CHUNK / 8];
      for (int c = 0; c < 4; c++) {
        int from = c * SumOfSquares.CHUNK;
        int len = Math.min(SumOfSquares.CHUNK, n - from);
        Arrays.fill(chunk, 0f);
        System.arraycopy(x, from, chunk, 0, len);
        if (Float.floatToRawIntBits(SumOfSquares.chunk(chunk, t, u)) != Float.floatToRawIntBits(sums[c + 1])) {
          return false;
        }
      }
      return sums[0] == 0f && sums[5] == 0f;   // nothing written outside its four sums
    }

    private static boolean agrees(int flags, int scales, boolean inPlace, int loop) {
      int n = KernelSamples.LENGTH;
      KernelSamples samples = KernelSamples.make();
      float[] g = samples.grads();
      float[] mu = samples.mu();
      float[] nu = samples.nu();
      float[] p = samples.params();
      List<ElementwiseOp> ops = new ArrayList<>();
      if ((flags & CLIP) != 0) {
        ops.add(new ClipOp(3.7, 1.1));
      }
      ops.add(new AdamOp(0.9, 0.999, 1e-8, 1e-9, 0.19, 0.002998, 0.271, (flags & NESTEROV) != 0));
      if ((flags & DECAY) != 0) {
        ops.add(new DecayOp(0.013));
      }
      for (int k = 0; k < scales; k++) {
        ops.add(new ScaleOp(-0.3 - k));
      }
      Program program = Program.of(ops);
      long[] in = {allocate(g), allocate(mu), allocate(nu), allocate(p)};
      long[] out = inPlace ? in : new long[] {in[0], allocate(null), allocate(null), allocate(null)};
      try {
        // in three runs, so that where a run starts in the outputs is checked too
        Runs runs = new Runs();
        int[] cuts = {0, 5, 18, n};
        for (int r = 0; r + 1 < cuts.length; r++) {
          long at = 4L * cuts[r];
          runs.add(in[0] + at, in[1] + at, in[2] + at, in[3] + at, cuts[r], cuts[r + 1] - cuts[r]);
        }
        program.run(runs, out[1], out[2], out[3], loop);
        float[] u = g.clone();
        float[] newMu = mu.clone();
        float[] newNu = nu.clone();
        float[] newP = p.clone();
        float[][] state = {newMu, newNu};
        for (ElementwiseOp op : ops) {
          op.runFloat32(u, op.stateTrees() == 0 ? null : state, p, 0, n);
        }
        ApplyUpdatesKernel.runFloat32(newP, u, 0, n);
        return sameBits(out[1], newMu) && sameBits(out[2], newNu) && sameBits(out[3], newP)
            && (inPlace || sameBits(in[1], mu) && sameBits(in[2], nu) && sameBits(in[3], p));
      } finally {
        for (long a : in) {
          free(a);
        }
        if (!inPlace) {
          for (int i = 1; i < out.length; i++) {
            free(out[i]);
          }
        }
      }
    }

    private static boolean sameBits(long address, float[] expected) {
      float[] actual = new float[expected.length];
      OffHeap.read(address, actual, 0, actual.length);
      for (int i = 0; i < actual.length; i++) {
        if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
          return false;
        }
      }
      return true;
    }

    private static long allocate(float[] values) {
      try {
        long address = (long) ALLOCATE.invokeExact(4L * (values == null ? KernelSamples.LENGTH : values.length));
        if (values != null) {
          OffHeap.write(values, 0, address, values.length);
        }
        return address;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }

    private static void free(long address) {
      try {
        FREE.invokeExact(address);
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
