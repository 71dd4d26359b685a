package org.pytree4j.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The generator against published values: the uniform numbers of the {@code jax.random} module's
 * documentation (JAX 0.5's layout, the one pytree4j follows), Random123's known-answer vectors for Threefry-2x32-20 (which
 * JAX's {@code testThreefry2x32} checks too), and JAX's own known values from {@code tests/random_test.py}
 * ({@code testPRNGValues}, {@code testRngRandomBits}, {@code _RANDOM_VALUES_CASES}, recorded with
 * {@code jax_threefry_partitionable=False}, JAX's layout before 0.5, which {@link Threefry} implements
 * alongside) and its seed table ({@code test_prng_seeds_and_keys}). JAX 0.5's partitionable layout is
 * checked through the identities JAX's tests assert of it ({@code split(key, n)[i] == fold_in(key, i)}) and
 * the split of {@code key(0)}, which is the first known-answer vector.
 */
class ThreefryTest {
  private static long pair(long y0, long y1) {
    return (y0 << 32) | y1;
  }

  @Test
  void random123KnownAnswers() {
    assertEquals(pair(0x6b200159L, 0x99ba4efeL), Threefry.hash(0, 0, 0, 0));
    assertEquals(pair(0x1cb996fcL, 0xbb002be7L), Threefry.hash(-1, -1, -1, -1));
    assertEquals(pair(0xc4923a9cL, 0x483df7a0L), Threefry.hash(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3));
  }

  @Test
  void jaxPrngValuesOriginalLayout() {
    // random.key_data(random.split(random.key(0), 4))
    long[] keys = Threefry.splitOriginal(0, 0, 4);
    assertArrayEquals(new long[] {
        pair(2285895361L, 1501764800L), pair(1518642379L, 4090693311L),
        pair(433833334L, 4221794875L), pair(839183663L, 3740430601L)}, keys);
    // random.key_data(random.fold_in(random.key(0), 4))
    assertEquals(List2.of(2285895361L, 433833334L), List2.of(PRNGKey.of(0).foldIn(4).data()));
    // jax._src.random._random_bits(random.key(1701), 32, (3,))
    assertArrayEquals(new int[] {56197195, (int) 4200222568L, 961309823}, Threefry.bitsOriginal(0, 1701, 3));
  }

  @Test
  void jaxRandomValuesCasesOriginalLayout() {
    // RandomValuesCase("bits", "threefry2x32", (5,), np.uint32, ...)
    int seed = adler32("bitsthreefry2x32");
    assertArrayEquals(new int[] {1978747883, (int) 4134381225L, (int) 3628107870L, 689687174, (int) 2788938207L},
        Threefry.bitsOriginal(0, seed, 5));
    // RandomValuesCase("uniform", "threefry2x32", (5,), np.float32, ...)
    int[] words = Threefry.bitsOriginal(0, adler32("uniformthreefry2x32"), 5);
    float[] expected = {0.298671f, 0.073213f, 0.873356f, 0.260549f, 0.412797f};
    for (int i = 0; i < 5; i++) {
      assertEquals(expected[i], Threefry.unitFloat(words[i]), 1e-6f, "uniform[" + i + "]");
    }
    // RandomValuesCase("bernoulli", "threefry2x32", (5,), None, {'p': 0.5}, [False, True, True, True, False])
    int[] coins = Threefry.bitsOriginal(0, adler32("bernoullithreefry2x32"), 5);
    boolean[] heads = new boolean[5];
    for (int i = 0; i < 5; i++) {
      heads[i] = Threefry.unitFloat(coins[i]) < 0.5f;
    }
    assertArrayEquals(new boolean[] {false, true, true, true, false}, heads);
  }

  /**
   * The jax.random module's documentation (docs.jax.dev/en/latest/jax.random.html, "PRNG keys"):
   * {@code random.uniform(random.key(0))} is {@code 0.947667}, and after
   * {@code key, subkey = random.split(key)}, {@code random.uniform(subkey)} is {@code 0.00729382}.
   */
  @Test
  void jaxDocumentationValues() {
    PRNGKey key = PRNGKey.of(0);
    assertEquals(0.947667f, key.uniform(1).getFloat(0), 1e-6f);
    PRNGKey[] split = key.split();
    assertEquals(0.00729382f, split[1].uniform(1).getFloat(0), 1e-8f);
  }

  @Test
  void partitionableLayoutOfJax05() {
    PRNGKey key = PRNGKey.of(0);
    PRNGKey[] split = key.split(2);
    assertEquals(PRNGKey.fromData(1797259609L, 2579123966L), split[0]);
    assertEquals(PRNGKey.fromData(928981903L, 3453687069L), split[1]);
    PRNGKey seventyTwo = PRNGKey.of(72);
    PRNGKey[] three = seventyTwo.split(3);
    for (int i = 0; i < 3; i++) {
      assertEquals(seventyTwo.foldIn(i), three[i], "split(key, 3)[" + i + "] == fold_in(key, " + i + ")");
    }
    // bits: y0 ^ y1 of the hash of the counter (0, i)
    long h = Threefry.hash(0, 1701, 0, 2);
    assertEquals(Threefry.high(h) ^ Threefry.low(h), PRNGKey.of(1701).bits(3)[2]);
  }

  @Test
  void jaxSeedTable() {
    assertArrayEquals(new long[] {0, 0}, PRNGKey.of(0).data());
    assertArrayEquals(new long[] {0, 1}, PRNGKey.of(1).data());
    assertArrayEquals(new long[] {4294967295L, 4294967295L}, PRNGKey.of(-1L).data());   // int64 -1 (x64)
    assertArrayEquals(new long[] {0, 4294967294L}, PRNGKey.of(-2).data());              // np.int32(-2)
    assertArrayEquals(new long[] {4294967295L, 4294967293L}, PRNGKey.of(-3L).data());   // np.int64(-3)
    assertArrayEquals(new long[] {0, 2147483747L}, PRNGKey.of(2147483647L + 100).data());
    assertArrayEquals(new long[] {4294967295L, 2147483548L}, PRNGKey.of(-2147483648L - 100).data());
  }

  @Test
  void uniformAndBernoulliArrays() {
    PRNGKey key = PRNGKey.of(5);
    INDArray u = key.uniform(2, 3);
    assertEquals(DataType.FLOAT, u.dataType());
    assertArrayEquals(new long[] {2, 3}, u.shape());
    int[] words = key.bits(6);
    for (int i = 0; i < 6; i++) {
      assertEquals(Threefry.unitFloat(words[i]), u.getFloat(i / 3, i % 3), 0f);
    }
    INDArray scaled = key.uniform(new long[] {6}, -2, 2);
    for (int i = 0; i < 6; i++) {
      assertEquals(Math.max(-2f, Threefry.unitFloat(words[i]) * 4f - 2f), scaled.getFloat(i), 0f);
    }
    INDArray coins = key.bernoulli(0.5, DataType.DOUBLE, 6);
    for (int i = 0; i < 6; i++) {
      assertEquals(Threefry.unitFloat(words[i]) < 0.5f ? 1.0 : 0.0, coins.getDouble(i), 0.0);
    }
  }

  /** The mask is the same 0/1 pattern in every type it is asked for, half-precision and boolean included. */
  @Test
  void bernoulliMasksAgreeAcrossTypes() {
    PRNGKey key = PRNGKey.of(11);
    int n = 1000;
    int[] words = key.bits(n);
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE, DataType.HALF, DataType.BFLOAT16,
        DataType.INT32, DataType.UINT8, DataType.BOOL}) {
      INDArray mask = key.bernoulli(0.3, type, 10, 100);
      assertEquals(type, mask.dataType());
      int ones = 0;
      for (int i = 0; i < n; i++) {
        double expected = Threefry.unitFloat(words[i]) < 0.3f ? 1 : 0;
        assertEquals(expected, mask.getDouble(i / 100, i % 100), 0.0, type + " element " + i);
        ones += (int) expected;
      }
      assertTrue(ones > 250 && ones < 350, "about 30% ones, found " + ones);
    }
    assertEquals("bernoulli draws floating-point, integer or boolean values, not UTF8",
        assertThrows(IllegalArgumentException.class, () -> key.bernoulli(0.3, DataType.UTF8, 4)).getMessage());
  }

  @Test
  void keyDataRoundTripsAndBadDataIsRefused() {
    PRNGKey key = PRNGKey.of(123456789012L);
    assertEquals(key, PRNGKey.fromData(key.toArray()));
    assertEquals(DataType.UINT32, key.toArray().dataType());
    assertEquals("PRNGKey[28, 3197704724]", key.toString());
    assertEquals("fold_in data must be a uint32, in [0, 4294967295], not -1",
        assertThrows(IllegalArgumentException.class, () -> key.foldIn(-1)).getMessage());
    assertEquals("key data must be two uint32 values, in [0, 4294967295], not [-1, 0]",
        assertThrows(IllegalArgumentException.class, () -> PRNGKey.fromData(-1, 0)).getMessage());
  }

  private static int adler32(String s) {
    Adler32 adler = new Adler32();
    adler.update(s.getBytes(StandardCharsets.UTF_8));
    return (int) adler.getValue();
  }

  /** A list of the two words, for a readable failure. */
  private static final class List2 {
    static java.util.List<Long> of(long a, long b) {
      return java.util.List.of(a, b);
    }

    static java.util.List<Long> of(long[] ab) {
      return java.util.List.of(ab[0], ab[1]);
    }
  }
}
