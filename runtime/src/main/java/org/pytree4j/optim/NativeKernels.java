package org.pytree4j.optim;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * The fused adam step in native code ({@code src/main/c/adam_chain.c}, built into the runtime jar for
 * linux-x86_64 when the build machine has gcc): one vectorized pass over the native memory of the
 * gradients, moments and params, with no copies through scratch arrays, which Java 17 cannot do
 * without the incubating Vector API (and then only at 1.6x the speed of a loop over Java arrays,
 * see docs/benchmarks.md). It covers the chains Optax's adam family makes: an optional leading clip,
 * adam or nadam, optional decayed weights (adamw), and up to four scales; other stages run in Java.
 * Each element gets the same float32 operations in the same order as the Java array kernels, so the
 * results are the same bits; the library is used only after it shows that on a small case.
 * Set {@value #PROPERTY} to {@code false} to keep the Java passes.
 */
final class NativeKernels {
  static final String PROPERTY = "pytree4j.optim.native";
  static final int MAX_SCALES = 4;
  /** True when the library loaded and agrees with the array kernels. */
  static final boolean AVAILABLE = load();

  private static final int CLIP = 1;
  private static final int NESTEROV = 2;
  private static final int DECAY = 4;
  private static final int COEFFICIENTS = 16;

  private NativeKernels() {}

  /**
   * Each of the {@code count} runs of {@code table} ({@link Runs}): clip, adam, decay and scales as
   * {@code flags}, {@code scales} and {@code coefficients} say, then {@code p + u}, written at the
   * run's start in the output slabs. Outputs may be their own inputs.
   */
  private static native void adamChainRuns(long[] table, int count, long muOut, long nuOut, long paramsOut,
      int flags, int scales, float[] coefficients);

  /** The kernel's loops, narrowest first: SSE2, AVX2, and AVX-512 of its second generation (see adam_chain.c). */
  static final int LOOPS = 3;

  /** The loop the kernel runs unless told otherwise: the widest this CPU runs well. */
  static native int widestLoop();

  /**
   * Makes the kernel run loop {@code loop} from now on, so that tests can compare every loop this CPU
   * has with the array kernels; false (and nothing changed) when this CPU does not run it.
   */
  static native boolean useLoop(int loop);

  /**
   * The runs of one native call: for each, where its gradients, moments and params lie and where it
   * starts in the output slabs. A pass over many small leaves makes one call per part, not one per
   * leaf, and the kernel fetches the next runs' memory while it works on this one. One thread's, reused.
   */
  static final class Runs {
    /** The longs of one run, as the kernel reads them: grads, mu, nu, params, start, length. */
    private static final int RUN_LONGS = 6;
    private long[] table = new long[RUN_LONGS * 64];
    private int count;

    void clear() {
      count = 0;
    }

    void add(long grads, long muIn, long nuIn, long paramsIn, int at, int n) {
      int i = count * RUN_LONGS;
      if (i + RUN_LONGS > table.length) {
        table = java.util.Arrays.copyOf(table, table.length * 2);
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

  /** The stages as one call of the native kernel, with their float32 scalars; immutable. */
  static final class Program {
    private final int flags;
    private final int scales;
    private final float[] coefficients;

    private Program(int flags, int scales, float[] coefficients) {
      this.flags = flags;
      this.scales = scales;
      this.coefficients = coefficients;
    }

    /** The program for these stages, or null when they are not an adam chain the kernel covers. */
    static Program of(List<FusedPart.Stage> stages) {
      float[] c = new float[COEFFICIENTS];
      int flags = 0;
      int at = 0;
      NativeOp op = at < stages.size() ? stages.get(at).nativeOp() : null;
      if (op != null && op.kind() == NativeOp.Kind.CLIP) {
        flags |= CLIP;
        c[0] = (float) op.first();
        c[1] = (float) op.second();
        op = ++at < stages.size() ? stages.get(at).nativeOp() : null;
      }
      if (op == null || op.kind() != NativeOp.Kind.ADAM) {
        return null;
      }
      ScaleByAdam.Coefficients a = op.adam();
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
      op = ++at < stages.size() ? stages.get(at).nativeOp() : null;
      if (op != null && op.kind() == NativeOp.Kind.DECAY) {
        flags |= DECAY;
        c[11] = (float) op.first();
        op = ++at < stages.size() ? stages.get(at).nativeOp() : null;
      }
      int scales = 0;
      while (op != null && op.kind() == NativeOp.Kind.SCALE && scales < MAX_SCALES) {
        c[12 + scales++] = (float) op.first();
        op = ++at < stages.size() ? stages.get(at).nativeOp() : null;
      }
      return at == stages.size() ? new Program(flags, scales, c) : null;
    }

    /** Runs the program over {@code n} elements at these native addresses. */
    void run(long grads, long muIn, long nuIn, long muOut, long nuOut, long paramsIn, long paramsOut, int n) {
      Runs one = new Runs();
      one.add(grads, muIn, nuIn, paramsIn, 0, n);
      run(one, muOut, nuOut, paramsOut);
    }

    /** Runs the program over every run of {@code runs}, each written at its start from these output addresses. */
    void run(Runs runs, long muOut, long nuOut, long paramsOut) {
      adamChainRuns(runs.table, runs.count, muOut, nuOut, paramsOut, flags, scales, coefficients);
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

  /** Runs every kind of program on a few vectors and a tail, in place and not, against the array kernels. */
  static final class SelfCheck {
    private static final MethodHandle ALLOCATE =
        UnsafeAccess.method("allocateMemory", MethodType.methodType(long.class, long.class));
    private static final MethodHandle FREE =
        UnsafeAccess.method("freeMemory", MethodType.methodType(void.class, long.class));

    private SelfCheck() {}

    static boolean agrees() {
      if (ALLOCATE == null || FREE == null) {
        return false;
      }
      for (int flags = 0; flags < 8; flags++) {
        for (int scales = 0; scales <= MAX_SCALES; scales++) {
          for (boolean inPlace : new boolean[] {false, true}) {
            if (!agrees(flags, scales, inPlace)) {
              return false;
            }
          }
        }
      }
      return true;
    }

    private static boolean agrees(int flags, int scales, boolean inPlace) {
      int n = KernelSamples.LENGTH;
      KernelSamples samples = KernelSamples.make();
      float[] g = samples.grads();
      float[] mu = samples.mu();
      float[] nu = samples.nu();
      float[] p = samples.params();
      ScaleByAdam.Coefficients c =
          new ScaleByAdam.Coefficients(0.9, 0.999, 1e-8, 1e-9, 0.19, 0.002998, 0.271, (flags & NESTEROV) != 0);
      List<FusedPart.Stage> stages = new java.util.ArrayList<>();
      if ((flags & CLIP) != 0) {
        stages.add(stage(NativeOp.clip(3.7, 1.1)));
      }
      stages.add(stage(NativeOp.adam(c)));
      if ((flags & DECAY) != 0) {
        stages.add(stage(NativeOp.decay(0.013)));
      }
      for (int k = 0; k < scales; k++) {
        stages.add(stage(NativeOp.scale(-0.3 - k)));
      }
      Program program = Program.of(stages);
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
        program.run(runs, out[1], out[2], out[3]);
        float[] u = g.clone();
        float[] newMu = mu.clone();
        float[] newNu = nu.clone();
        float[] newP = p.clone();
        if ((flags & CLIP) != 0) {
          ClipByGlobalNorm.kernel(u, u, 0, n, 3.7, 1.1);
        }
        ScaleByAdam.kernel(u, newMu, newNu, u, 0, n, c);
        if ((flags & DECAY) != 0) {
          AddDecayedWeights.kernel(u, p, u, 0, n, 0.013);
        }
        for (int k = 0; k < scales; k++) {
          Scale.kernel(u, u, 0, n, -0.3 - k);
        }
        ApplyUpdates.kernel(newP, u, 0, n);
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

    private static FusedPart.Stage stage(NativeOp op) {
      return FusedPart.Stage.onUpdates((u, s, p, n) -> {
        throw new AssertionError("not run");
      }).withNative(op);
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
        long address = (long) ALLOCATE.invokeExact(4L * KernelSamples.LENGTH);
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
