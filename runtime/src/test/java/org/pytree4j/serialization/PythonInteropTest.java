package org.pytree4j.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Java's bytes read in Python: runtime/src/test/python/check_java_bytes.py decodes them with Flax's
 * rules, checks the values and re-encodes them byte for byte. Needs a Python that imports msgpack
 * and numpy (Debian: {@code apt-get install -y python3-msgpack python3-numpy}); without one these
 * tests are skipped, and say so.
 */
class PythonInteropTest {
  private static final List<String> CANDIDATES = List.of("/usr/bin/python3", "python3");
  private static Optional<String> python;

  @BeforeAll
  static void findPython() {
    python = CANDIDATES.stream().filter(PythonInteropTest::importsMsgpack).findFirst();
    if (python.isEmpty()) {
      System.err.println("PythonInteropTest SKIPPED: no Python with msgpack and numpy (tried " + CANDIDATES
          + "); install with: apt-get install -y python3-msgpack python3-numpy");
    }
  }

  private static boolean importsMsgpack(String interpreter) {
    try {
      Process p = new ProcessBuilder(interpreter, "-c", "import msgpack, numpy").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void assumePython() {
    assumeTrue(python.isPresent(), "no Python with msgpack and numpy (tried " + CANDIDATES
        + "); install with: apt-get install -y python3-msgpack python3-numpy");
  }

  static Path script(String name) {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "src", "test", "python", name);
  }

  static String run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(python.orElseThrow());
    command.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
    assertEquals(0, p.exitValue(), "python " + command + " said:\n" + output);
    return output;
  }

  /** The state check_java_bytes.py expects, value for value. */
  static Map<String, Object> javaState() {
    Map<String, Object> arrays = new LinkedHashMap<>();
    arrays.put("b16", Nd4j.create(new float[] {1.5f, -2f, 0.15625f, 256f}, 4).castTo(DataType.BFLOAT16));
    arrays.put("bool", Nd4j.create(new boolean[] {true, false, true}, new long[] {3}, DataType.BOOL));
    arrays.put("empty", Nd4j.create(DataType.FLOAT, 0, 3));
    arrays.put("f16", Nd4j.create(new float[] {0.5f, -1.25f}, 2).castTo(DataType.HALF));
    arrays.put("f64", Nd4j.create(new double[][] {{1.0 / 3, 2.0 / 3}, {1e-300, -1e300}}));
    arrays.put("i32", Nd4j.create(new int[] {Integer.MIN_VALUE, 7}, new long[] {2}, DataType.INT));
    arrays.put("i64", Nd4j.create(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, new long[] {2}, DataType.LONG));
    arrays.put("i8", Nd4j.create(new long[] {-128, 127}, new long[] {2}, DataType.BYTE));
    arrays.put("key", org.pytree4j.random.PRNGKey.fromData(0xFFFFFFFFL, 42));   // a leaf written as JAX's uint32[2] key data
    arrays.put("rank0", Nd4j.scalar(DataType.FLOAT, 2.5f));
    arrays.put("u8", Nd4j.create(new long[] {0, 255}, new long[] {2}, DataType.UBYTE));

    Map<String, Object> scalars = new LinkedHashMap<>();
    scalars.put("bool", true);
    scalars.put("byte", (byte) -3);
    scalars.put("bytes", new byte[] {1, 2, 3});
    scalars.put("complex", new Complex(1.5, -2.5));
    scalars.put("double", -0.1);
    scalars.put("float", 1.25f);
    scalars.put("int", -7);
    scalars.put("long", 1L << 40);
    scalars.put("none", null);
    scalars.put("short", (short) 12);
    scalars.put("string", "adam");

    Map<String, Object> state = new LinkedHashMap<>();
    state.put("arrays", arrays);
    state.put("chunked", Nd4j.arange(35).castTo(DataType.FLOAT).reshape(5, 7).div(4));
    state.put("scalars", scalars);
    state.put("train_state", TestStates.trainState(42));
    return state;
  }

  @Test
  void pythonReadsJavasBytesAsFlaxWouldAndWritesTheSameBytes(@TempDir Path dir) throws Exception {
    assumePython();
    Path file = dir.resolve("java_state.msgpack");
    Files.write(file, Serialization.toBytes(javaState(), 64));
    String output = run(script("check_java_bytes.py").toString(), file.toString());
    assertTrue(output.startsWith("OK: "), output);
  }

  @Test
  void committedFixturesAreWhatMakeFixturesWrites(@TempDir Path dir) throws Exception {
    assumePython();
    run(script("make_fixtures.py").toString(), dir.toString());
    for (String name : List.of("arrays.msgpack", "train_state.msgpack", "scalars.msgpack", "chunked.msgpack",
        "partition_train_state.msgpack", "multi_steps_train_state.msgpack", "multi_steps_skip_train_state.msgpack",
        "invalid/unknown_ext.msgpack", "invalid/complex_array.msgpack", "invalid/unsupported_dtype.msgpack",
        "invalid/shape_mismatch.msgpack", "ordered.msgpack", "unicode_insertion_order.msgpack",
        "unicode_sorted.msgpack")) {
      assertArrayEquals(Files.readAllBytes(dir.resolve(name)), FlaxFixturesTest.fixture(name), name);
    }
  }
}
