package org.pytree4j.optim.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The native adam kernel: which op chains it runs, and the array loops' bits on awkward values, from
 * each of its loops (SSE2, AVX2, AVX-512) this CPU runs.
 */
class NativeKernelsTest {
  private static final AdamOp ADAM = new AdamOp(0.9, 0.999, 1e-8, 0, 0.271, 0.002998, 0.3439, false);
  private static final String[] LOOP_NAMES = {"SSE2", "AVX2", "AVX-512"};

  /** Skips the test when this CPU does not run loop {@code loop}; returns it. */
  private static int loopRunHere(int loop) {
    Assumptions.assumeTrue(NativeKernels.AVAILABLE, "the native kernel is built on linux-x86_64 with gcc");
    Assumptions.assumeTrue(NativeKernels.runsHere(loop), "this CPU does not run the " + LOOP_NAMES[loop] + " loop");
    return loop;
  }

  @Test
  void theNarrowestLoopRunsEverywhereAndNoLoopBeyondTheWidest() {
    Assumptions.assumeTrue(NativeKernels.AVAILABLE, "the native kernel is built on linux-x86_64 with gcc");
    assertTrue(NativeKernels.runsHere(0), "SSE2");
    assertFalse(NativeKernels.runsHere(NativeKernels.LOOPS), "a loop number past the last");
    assertFalse(NativeKernels.runsHere(-1), "a negative loop number");
    for (int loop = 0; loop < NativeKernels.LOOPS; loop++) {
      assertEquals(loop <= NativeKernels.widestLoop(), NativeKernels.runsHere(loop), LOOP_NAMES[loop]);
    }
  }

  @Test
  void theLibraryLoadsWhereTheBuildMadeIt() {
    boolean built = NativeKernels.class.getResource("native/linux-x86_64/libpytree4j.so") != null;
    Assumptions.assumeTrue(built, "the build makes the library on linux-x86_64 with gcc");
    assertTrue(NativeKernels.AVAILABLE, "built, but it did not load or disagreed with the array loops");
    assertTrue(NativeKernels.SelfCheck.agrees());
  }

  @Test
  void onlyTheAdamChainsItCoversBecomePrograms() {
    ElementwiseOp clip = new ClipOp(2, 1);
    ElementwiseOp adam = ADAM;
    ElementwiseOp decay = new DecayOp(1e-2);
    ElementwiseOp scale = new ScaleOp(-1e-3);
    ElementwiseOp javaOnly = new TraceOp(0.9, false);
    assertNotNull(NativeKernels.Program.of(List.of(adam)));
    assertNotNull(NativeKernels.Program.of(List.of(clip, adam, decay, scale, scale, scale, scale)));
    assertNull(NativeKernels.Program.of(List.of(scale)), "no adam");
    assertNull(NativeKernels.Program.of(List.of(adam, scale, scale, scale, scale, scale)), "five scales");
    assertNull(NativeKernels.Program.of(List.of(adam, scale, decay)), "decay after a scale");
    assertNull(NativeKernels.Program.of(List.of(scale, adam)), "a scale before adam");
    assertNull(NativeKernels.Program.of(List.of(adam, javaOnly)), "an op without a native form");
    assertNull(NativeKernels.Program.of(List.of(adam, adam)), "two adams");
  }

  /** Zeros of both signs, subnormals, huge values, infinities and NaN, for every kind of program. */
  @ParameterizedTest(name = "loop {0}")
  @ValueSource(ints = {0, 1, 2})
  void everyProgramGivesTheArrayKernelsBitsOnAwkwardValues(int loop) {
    loopRunHere(loop);
    Random r = new Random(3);
    int n = 1_000 + 7;
    float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL / 3, 1e-30f, 3e38f, -3e38f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f, -1e-3f};
    float[] g = values(r, n, special);
    float[] mu = values(r, n, special);
    float[] nu = new float[n];
    for (int i = 0; i < n; i++) {
      nu[i] = Math.abs(values(r, 1, special)[0]);
    }
    float[] p = values(r, n, special);
    for (int flags = 0; flags < 8; flags++) {
      for (int scales = 0; scales <= NativeKernels.MAX_SCALES; scales++) {
        for (boolean inPlace : new boolean[] {false, true}) {
          check(flags, scales, inPlace, g, mu, nu, p, loop);
        }
      }
    }
  }

  /**
   * The chunk sums of squares of a global-norm clip, over lengths ending in every kind of tail and
   * past the kernel's 64 chunks per copy-out, with awkward values: SumOfSquares.chunk's bits.
   */
  @ParameterizedTest(name = "loop {0}")
  @ValueSource(ints = {0, 1, 2})
  void chunkSumsOfSquaresGiveTheJavaChunksBits(int loop) {
    loopRunHere(loop);
    Random r = new Random(7);
    float[] special = {0f, -0f, Float.MIN_VALUE, 1e-30f, 3e38f, Float.POSITIVE_INFINITY, Float.NaN, 1f, -1e-3f};
    int chunk = SumOfSquares.CHUNK;
    for (int n : new int[] {1, 37, chunk - 1, chunk, chunk + 1, 5 * chunk + 999, 64 * chunk, 64 * chunk + 5, 131 * chunk + 3}) {
      float[] x = values(r, n, special);
      int chunks = (n + chunk - 1) / chunk;
      float[] sums = new float[chunks + 2];
      INDArray memory = Nd4j.createFromArray(x);
      NativeKernels.chunkSumsOfSquares(address(memory), n, sums, 1, loop);
      float[] block = new float[chunk];
      float[] t = new float[chunk / 4];
      float[] u = new float[chunk / 8];
      for (int c = 0; c < chunks; c++) {
        java.util.Arrays.fill(block, 0f);
        System.arraycopy(x, c * chunk, block, 0, Math.min(chunk, n - c * chunk));
        float expected = SumOfSquares.chunk(block, t, u);
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(sums[c + 1]),
            "n " + n + ", chunk " + c + ": " + expected + " vs " + sums[c + 1]);
      }
      assertEquals(0f, sums[0], "nothing before the first sum");
      assertEquals(0f, sums[chunks + 1], "nothing after the last");
    }
  }

  /**
   * A table of many short runs, each from arrays of its own (as a pass over many small leaves makes
   * it), more than the kernel copies out of the table at a time: every run lands at its own start.
   */
  @ParameterizedTest(name = "loop {0}")
  @ValueSource(ints = {0, 1, 2})
  void manyRunsFromSeparateArraysLandAtTheirStarts(int loop) {
    loopRunHere(loop);
    Random r = new Random(5);
    int runs = 700;
    int[] starts = new int[runs + 1];
    for (int k = 0; k < runs; k++) {
      starts[k + 1] = starts[k] + 1 + r.nextInt(9);
    }
    int n = starts[runs];
    float[] g = values(r, n, new float[] {0f});
    float[] mu = values(r, n, new float[] {0f});
    float[] nu = new float[n];
    for (int i = 0; i < n; i++) {
      nu[i] = Math.abs((float) r.nextGaussian());
    }
    float[] p = values(r, n, new float[] {0f});
    List<INDArray> inputs = new ArrayList<>();
    NativeKernels.Runs table = new NativeKernels.Runs();
    for (int k = 0; k < runs; k++) {
      long[] at = new long[4];
      float[][] streams = {g, mu, nu, p};
      for (int s = 0; s < 4; s++) {
        INDArray piece = Nd4j.createFromArray(java.util.Arrays.copyOfRange(streams[s], starts[k], starts[k + 1]));
        inputs.add(piece);
        at[s] = address(piece);
      }
      table.add(at[0], at[1], at[2], at[3], starts[k], starts[k + 1] - starts[k]);
    }
    INDArray muOut = Nd4j.create(DataType.FLOAT, n);
    INDArray nuOut = Nd4j.create(DataType.FLOAT, n);
    INDArray pOut = Nd4j.create(DataType.FLOAT, n);
    NativeKernels.Program.of(List.of(ADAM, new ScaleOp(-1e-3)))
        .run(table, address(muOut), address(nuOut), address(pOut), loop);
    // the table holds only the pieces' addresses
    java.lang.ref.Reference.reachabilityFence(inputs);

    float[] u = g.clone();
    float[] newMu = mu.clone();
    float[] newNu = nu.clone();
    float[] newP = p.clone();
    ADAM.runFloat32(u, new float[][] {newMu, newNu}, null, 0, n);
    new ScaleOp(-1e-3).runFloat32(u, null, null, 0, n);
    ApplyUpdatesKernel.runFloat32(newP, u, 0, n);
    assertBits(newMu, muOut, runs + " runs: mu");
    assertBits(newNu, nuOut, runs + " runs: nu");
    assertBits(newP, pOut, runs + " runs: params");
  }

  private static void check(int flags, int scales, boolean inPlace, float[] g, float[] mu, float[] nu, float[] p,
      int loop) {
    int n = g.length;
    boolean clip = (flags & 1) != 0;
    boolean decay = (flags & 4) != 0;
    AdamOp c = new AdamOp(0.8, 0.99, 1e-6, 1e-9, 0.36, 0.0199, 0.488, (flags & 2) != 0);
    List<ElementwiseOp> ops = new ArrayList<>();
    if (clip) {
      ops.add(new ClipOp(7.3, 0.5));
    }
    ops.add(c);
    if (decay) {
      ops.add(new DecayOp(3e-2));
    }
    for (int k = 0; k < scales; k++) {
      ops.add(new ScaleOp(-1e-2 * (k + 1)));
    }
    INDArray gIn = Nd4j.createFromArray(g);
    INDArray muIn = Nd4j.createFromArray(mu);
    INDArray nuIn = Nd4j.createFromArray(nu);
    INDArray pIn = Nd4j.createFromArray(p);
    INDArray muOut = inPlace ? muIn : Nd4j.create(DataType.FLOAT, n);
    INDArray nuOut = inPlace ? nuIn : Nd4j.create(DataType.FLOAT, n);
    INDArray pOut = inPlace ? pIn : Nd4j.create(DataType.FLOAT, n);
    NativeKernels.Runs one = new NativeKernels.Runs();
    one.add(address(gIn), address(muIn), address(nuIn), address(pIn), 0, n);
    NativeKernels.Program.of(ops).run(one, address(muOut), address(nuOut), address(pOut), loop);

    float[] u = g.clone();
    float[] newMu = mu.clone();
    float[] newNu = nu.clone();
    float[] newP = p.clone();
    for (ElementwiseOp op : ops) {
      op.runFloat32(u, op.stateTrees() == 0 ? null : new float[][] {newMu, newNu}, p, 0, n);
    }
    ApplyUpdatesKernel.runFloat32(newP, u, 0, n);
    String what = "flags " + flags + ", " + scales + " scales" + (inPlace ? ", in place" : "");
    assertBits(newMu, muOut, what + ": mu");
    assertBits(newNu, nuOut, what + ": nu");
    assertBits(newP, pOut, what + ": params");
  }

  private static float[] values(Random r, int n, float[] special) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextInt(4) == 0 ? special[r.nextInt(special.length)] : (float) r.nextGaussian();
    }
    return v;
  }

  private static long address(INDArray a) {
    return a.data().address();
  }

  /**
   * The same bits, a NaN being any NaN (as {@code Arrays32.assertSameBits}): neither Java nor IEEE 754
   * fixes which NaN an operation returns (x86 makes a negative one from, say, infinity minus
   * infinity; an addition of two NaNs returns either operand's, and the compilers may order them).
   */
  private static void assertBits(float[] expected, INDArray actual, String what) {
    float[] got = actual.toFloatVector();
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(got[i]),
          what + ", element " + i + ": expected " + expected[i] + " but was " + got[i]);
    }
  }
}
