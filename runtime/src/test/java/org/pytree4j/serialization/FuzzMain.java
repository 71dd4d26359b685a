package org.pytree4j.serialization;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.Pointer;
import org.pytree4j.InvalidTreeException;
import org.pytree4j.TreeMismatchException;

/**
 * The fuzz test's child JVM (run with a small heap by {@link FuzzBytesTest}). Each case damages one of
 * {@link FuzzInputs} with {@link ByteMutator}, reads the bytes every way there is (the raw state from
 * a byte array, from a stream of unknown length that trickles in, from a stream of known length;
 * restored into the input's target the same three ways; one subtree alone) and checks each ends in
 * a documented exception that names a place, or in the value {@link ReferenceDecoder} reads, the
 * same every way, within the time bound.
 *
 * <p>Arguments: master seed, number of cases, and optionally one case seed to run alone. Prints
 * {@code CASE <i> <seed>} before each case, {@code FAIL <i> <seed>: <what>} for each failure and a
 * {@code DONE ...} summary.
 */
public final class FuzzMain {
  static final long CASE_MILLIS = 5_000;

  private FuzzMain() {}

  /** The seed of case {@code i} of a run: any case can be run again alone from it. */
  static long caseSeed(long master, int i) {
    return new SplittableRandom(master + i).nextLong();
  }

  public static void main(String[] args) throws Exception {
    long master = Long.parseLong(args[0]);
    int cases = Integer.parseInt(args[1]);
    List<FuzzInputs.Input> inputs = FuzzInputs.all();
    Map<String, Integer> outcomes = new TreeMap<>();
    int failures = 0;
    long maxMillis = 0;
    long maxRss = Pointer.physicalBytes();
    long start = System.nanoTime();
    for (int i = 0; i < cases; i++) {
      long seed = args.length > 2 ? Long.parseLong(args[2]) : caseSeed(master, i);
      System.out.println("CASE " + i + " " + seed);
      long t0 = System.nanoTime();
      String failure;
      try {
        failure = runCase(inputs, seed, outcomes);
      } catch (Throwable t) {
        failure = "escaped as " + stackTrace(t);
      }
      long millis = (System.nanoTime() - t0) / 1_000_000;
      maxMillis = Math.max(maxMillis, millis);
      if (failure == null && millis > CASE_MILLIS) {
        failure = "took " + millis + " ms, over the bound of " + CASE_MILLIS + " ms";
      }
      if (failure != null) {
        failures++;
        System.out.println("FAIL " + i + " " + seed + ": " + failure.replace('\n', '|'));
      }
      maxRss = Math.max(maxRss, Pointer.physicalBytes());
      System.out.flush();
    }
    System.out.println("DONE cases=" + cases + " failures=" + failures + " outcomes=" + outcomes + " maxCaseMillis="
        + maxMillis + " maxRssMiB=" + (maxRss >> 20) + " seconds=" + (System.nanoTime() - start) / 1_000_000_000);
    System.out.flush();
    System.exit(failures == 0 ? 0 : 1);
  }

  /** Runs one case; null when it held, else what went wrong. */
  static String runCase(List<FuzzInputs.Input> inputs, long seed, Map<String, Integer> outcomes) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    FuzzInputs.Input input = inputs.get(random.nextInt(inputs.size()));
    FuzzInputs.Input other = inputs.get(random.nextInt(inputs.size()));
    byte[] bytes = ByteMutator.mutate(input.bytes(), other.bytes(), random);
    long trickleSeed = random.nextLong();

    // the raw state dict, three ways
    Outcome raw = outcome(() -> Serialization.msgpackRestore(bytes));
    Outcome rawStreamed = outcome(() -> MsgpackDecoder.decode(trickle(bytes, trickleSeed), -1));
    Outcome rawKnownLength = outcome(() -> MsgpackDecoder.decode(new ByteArrayInputStream(bytes), bytes.length));
    outcomes.merge("raw: " + raw.type, 1, Integer::sum);
    String problem = firstProblem(input.name() + " raw", raw, rawStreamed, rawKnownLength);
    if (problem != null) {
      return problem;
    }
    if (raw.value != null) {
      Object reference;
      try {
        reference = ReferenceDecoder.canonical(ReferenceDecoder.decode(bytes));
      } catch (Exception e) {
        return input.name() + ": decoded to a value the reference decoder rejects (" + e + ")";
      }
      if (!reference.equals(raw.canonical)) {
        return input.name() + ": decoded to " + raw.canonical + " but the reference decoder reads " + reference;
      }
    }

    // restored into the target, three ways
    Outcome typed = outcome(() -> Serialization.toStateDict(Serialization.fromBytes(input.target().get(), bytes)));
    Outcome typedStreamed = outcome(() -> Serialization.toStateDict(
        Serialization.read(input.target().get(), trickle(bytes, trickleSeed))));
    Outcome typedKnown = outcome(() -> Serialization.toStateDict(
        Serialization.read(input.target().get(), new ByteArrayInputStream(bytes), bytes.length)));
    outcomes.merge("restored: " + typed.type, 1, Integer::sum);
    problem = firstProblem(input.name() + " restored", typed, typedStreamed, typedKnown);
    if (problem != null) {
      return problem;
    }
    if (raw.value instanceof Map<?, ?> rawDict) {
      Outcome viaStateDict = outcome(() -> Serialization.toStateDict(
          Serialization.fromStateDict(input.target().get(), stringKeyed(rawDict))));
      if (!Objects.equals(viaStateDict.canonical, typed.canonical) || !Objects.equals(viaStateDict.type, typed.type)) {
        return input.name() + ": fromBytes gave " + typed + " but fromStateDict(msgpackRestore) " + viaStateDict;
      }
    }

    // one subtree alone
    if (input.subtree() != null) {
      Outcome subtree = outcome(() -> Serialization.toStateDict(Map.of("x",
          Serialization.fromBytes(input.subtreeTarget().get(), bytes, input.subtree()))));
      Outcome subtreeStreamed = outcome(() -> Serialization.toStateDict(Map.of("x", Serialization.read(
          input.subtreeTarget().get(), new ByteArrayInputStream(bytes), bytes.length, input.subtree()))));
      problem = firstProblem(input.name() + " subtree", subtree, subtreeStreamed);
      if (problem != null) {
        return problem;
      }
      if (typed.value != null && subtree.value == null) {
        return input.name() + ": the whole state restores but its subtree " + input.subtree() + " fails: " + subtree;
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> stringKeyed(Map<?, ?> dict) {
    return (Map<String, ?>) dict; // the decoder's dicts have String keys
  }

  /** An input stream that hands out its bytes in reads of 1 to 5,000 bytes. */
  private static InputStream trickle(byte[] bytes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + random.nextInt(5_000)));
      }
    };
  }

  /** A value (as its canonical form) or a documented exception; anything else escapes. */
  private static final class Outcome {
    Object value;
    Object canonical;
    String type = "value";
    String message;

    @Override
    public String toString() {
      return value != null ? "a value" : type + ": " + message;
    }
  }

  private static Outcome outcome(Callable<Object> read) throws Exception {
    Outcome outcome = new Outcome();
    try {
      Object value = read.call();
      outcome.value = value == null ? "None" : value;
      outcome.canonical = ReferenceDecoder.canonical(value);
    } catch (StateDecodingException | TreeMismatchException | InvalidTreeException e) {
      outcome.type = e.getClass().getSimpleName();
      outcome.message = e.getMessage();
    }
    return outcome;
  }

  /** The ways of reading must agree, and every failure must name its place. */
  private static String firstProblem(String what, Outcome... ways) {
    for (Outcome way : ways) {
      if (way.message != null && !(way.message.contains(" at ") || way.message.startsWith("cannot restore"))) {
        return what + ": a message without a place: " + way.message;
      }
      if (way.message != null && way.message.length() > 2_000) {
        return what + ": a message of " + way.message.length() + " characters";
      }
    }
    for (int i = 1; i < ways.length; i++) {
      if (!ways[0].type.equals(ways[i].type) || !Objects.equals(ways[0].canonical, ways[i].canonical)) {
        return what + ": way 0 gave " + ways[0] + " but way " + i + " gave " + ways[i];
      }
    }
    return null;
  }

  private static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    String text = out.toString();
    return text.length() > 3_000 ? text.substring(0, 3_000) : text;
  }
}
