package org.pytree4j.optim.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pytree4j.optim.schedule.CosineCycle;
import org.pytree4j.optim.schedule.Schedule;
import org.pytree4j.optim.schedule.Schedules;

/** The schedule cases: each Optax schedule built from the case's keyword arguments, then evaluated. */
final class ScheduleCases {
  private static final Pattern CONSTANT = Pattern.compile("constant_schedule\\(([-+0-9.eE]+)\\)");
  private static final Pattern RANGE = Pattern.compile("range\\((\\d+)\\)");

  private ScheduleCases() {}

  /** kind "schedule". */
  static void values(Case c) {
    if (c.has("hyperparameters", "cases")) {
      emptyAndNone(c);
      return;
    }
    for (Case v : variants(c)) {
      Schedule s = build(v);
      long[] counts = counts(v.get("inputs", "counts"));
      check(v, s, counts);
    }
  }

  /** kind "schedule_error": Optax raises ValueError, the Java form IllegalArgumentException. */
  static void errors(Case c) {
    assertTrue(c.text("expected", "raises").startsWith("ValueError"), c.name());
    if (c.has("hyperparameters", "invalid")) {
      c.expectText("piecewise_interpolate_schedule", "transformation");
      for (JsonNode args : c.get("hyperparameters", "invalid")) {
        String type = args.get(0).isNull() ? null : args.get(0).asText();
        double init = args.get(1).asDouble();
        Map<Long, Double> bs = boundaries(args.get(2));
        assertThrows(IllegalArgumentException.class, () -> Schedules.piecewiseInterpolate(type, init, bs),
            c.name() + ": " + args);
      }
      return;
    }
    assertThrows(IllegalArgumentException.class, () -> build(c), c.name());
  }

  /** kind "schedule_property": each property, by its words, checked for every exponent. */
  static void properties(Case c) {
    c.expectText("warmup_cosine_decay_schedule", "transformation");
    long[] t = counts(c.get("inputs", "counts"));
    assertEquals(26, t.length, c.name());
    JsonNode exponents = c.get("hyperparameters", "exponent");
    List<Schedule> byExponent = new ArrayList<>();
    for (JsonNode e : exponents) {
      byExponent.add(build(c.withVariant(Map.of("hyperparameters/exponent", e))));
    }
    JsonNode tol = c.get("tolerance");
    for (JsonNode property : c.get("expected", "properties")) {
      String p = property.asText();
      for (int k = 0; k < byExponent.size(); k++) {
        Schedule s = byExponent.get(k);
        String what = c.name() + " exponent=" + exponents.get(k) + ": " + p;
        switch (p) {
          case "strictly increasing for t in 0..5" -> {
            for (int i = 0; i < 5; i++) {
              assertTrue(s.value(i + 1) > s.value(i), what + " at t=" + i);
            }
          }
          case "value at t=5 equals 1.0 (places=6)" -> Tolerances.assertScalar(placesOf(tol, 6), 1.0, s.value(5), what);
          case "non-increasing for t in 5..25" -> {
            for (int i = 5; i < 25; i++) {
              assertTrue(s.value(i + 1) <= s.value(i), what + " at t=" + i);
            }
          }
          case "value at t=25 equals 0.1 (places=6)" -> Tolerances.assertScalar(placesOf(tol, 6), 0.1, s.value(25), what);
          case "exponent=2 value <= exponent=1 value + 1e-12 for t in 5..25" -> {
            assertEquals(List.of(1.0, 2.0), List.of(exponents.get(0).asDouble(), exponents.get(1).asDouble()), what);
            for (int i = 5; i <= 25; i++) {
              assertTrue(byExponent.get(1).value(i) <= byExponent.get(0).value(i) + 1e-12, what + " at t=" + i);
            }
          }
          default -> fail(c.name() + ": property not translated by this test: " + p);
        }
      }
    }
  }

  private static JsonNode placesOf(JsonNode tol, int places) {
    assertEquals(places, tol.get("assertAlmostEqual_places").asInt());
    return tol;
  }

  /** {@code piecewise_interpolate_empty_and_none}: several configurations in one case. */
  private static void emptyAndNone(Case c) {
    c.expectText("piecewise_interpolate_schedule", "transformation");
    JsonNode cases = c.get("hyperparameters", "cases");
    JsonNode counts = c.get("inputs", "counts");
    JsonNode values = c.get("expected", "values");
    JsonNode tol = c.get("tolerance");
    for (int k = 0; k < cases.size(); k++) {
      JsonNode h = cases.get(k);
      Schedule s = Schedules.piecewiseInterpolate(h.get("interpolate_type").asText(), h.get("init_value").asDouble(),
          boundaries(h.get("boundaries_and_scales")));
      long[] t = counts(counts.get(k));
      for (int i = 0; i < t.length; i++) {
        Tolerances.assertScalar(tol, values.get(k).get(i).asDouble(), s.value(t[i]), c.name() + " config " + k + " count " + t[i]);
      }
    }
  }

  /** One case per combination of the hyperparameters given as lists of alternatives. */
  private static List<Case> variants(Case c) {
    List<Case> out = new ArrayList<>(List.of(c));
    for (String key : List.of("transition_steps", "staircase")) {
      JsonNode alternatives = c.opt("hyperparameters", key);
      if (alternatives == null || !alternatives.isArray()) {
        continue;
      }
      List<Case> expanded = new ArrayList<>();
      for (Case v : out) {
        for (JsonNode alt : alternatives) {
          expanded.add(v.withVariant(Map.of("hyperparameters/" + key, alt)));
        }
      }
      out = expanded;
    }
    return out;
  }

  /** The schedule the case names, with its keyword arguments (every one must be used). */
  static Schedule build(Case c) {
    String t = c.text("transformation");
    Args a = new Args(c);
    Schedule s;
    if (t.startsWith("sgdr_schedule")) {
      c.expectText("sgdr_schedule (join of warmup_cosine_decay_schedule)", "transformation");
      List<CosineCycle> cycles = new ArrayList<>();
      for (JsonNode k : a.node("cosine_kwargs")) {
        Map<String, Double> kw = new LinkedHashMap<>();
        k.fields().forEachRemaining(e -> kw.put(e.getKey(), e.getValue().asDouble()));
        cycles.add(new CosineCycle(kw.remove("init_value"), kw.remove("peak_value"), kw.remove("warmup_steps").longValue(),
            kw.remove("decay_steps").longValue(), kw.remove("end_value"), 1.0));
        assertTrue(kw.isEmpty(), c.name() + ": cosine_kwargs not translated: " + kw);
      }
      s = Schedules.sgdr(cycles);
    } else {
      s = switch (t) {
        case "constant_schedule" -> Schedules.constant(a.num("value"));
        case "polynomial_schedule" -> Schedules.polynomial(a.num("init_value"), a.num("end_value"), a.num("power"),
            a.integer("transition_steps"), a.integerOr(0, "transition_begin"));
        case "linear_schedule" -> Schedules.linear(a.num("init_value"), a.num("end_value"), a.integer("transition_steps"),
            a.integerOr(0, "transition_begin"));
        case "piecewise_constant_schedule" -> Schedules.piecewiseConstant(a.num("init_value"),
            boundaries(a.node("boundaries_and_scales")));
        case "exponential_decay" -> Schedules.exponentialDecay(a.num("init_value"), a.integer("transition_steps"),
            a.num("decay_rate"), a.integerOr(0, "transition_begin"), a.boolOr(false, "staircase"),
            a.has("end_value") ? a.num("end_value") : null);
        case "cosine_decay_schedule" -> Schedules.cosineDecay(a.num("init_value"), a.integer("decay_steps"),
            a.numOr(0.0, "alpha"), a.numOr(1.0, "exponent"));
        case "warmup_cosine_decay_schedule" -> Schedules.warmupCosineDecay(a.num("init_value"), a.num("peak_value"),
            a.integer("warmup_steps"), a.integer("decay_steps"), a.numOr(0.0, "end_value"), a.numOr(1.0, "exponent"));
        case "piecewise_interpolate_schedule" -> Schedules.piecewiseInterpolate(a.text("interpolate_type"),
            a.num("init_value"), boundaries(a.node("boundaries_and_scales")));
        case "linear_onecycle_schedule" -> Schedules.linearOnecycle(a.integer("transition_steps"), a.num("peak_value"),
            a.numOr(0.3, "pct_start"), a.numOr(0.85, "pct_final"), a.numOr(25.0, "div_factor"),
            a.numOr(1e4, "final_div_factor"));
        case "cosine_onecycle_schedule" -> Schedules.cosineOnecycle(a.integer("transition_steps"), a.num("peak_value"),
            a.numOr(0.3, "pct_start"), a.numOr(25.0, "div_factor"), a.numOr(1e4, "final_div_factor"));
        case "join_schedules" -> {
          List<Schedule> parts = new ArrayList<>();
          for (JsonNode p : a.node("schedules")) {
            Matcher m = CONSTANT.matcher(p.asText());
            assertTrue(m.matches(), c.name() + ": schedule not translated by this test: " + p);
            parts.add(Schedules.constant(Double.parseDouble(m.group(1))));
          }
          List<Long> boundaries = new ArrayList<>();
          a.node("boundaries").forEach(b -> boundaries.add(b.asLong()));
          yield Schedules.join(parts, boundaries);
        }
        default -> {
          fail(c.name() + ": schedule not translated by this test: " + t);
          yield null;
        }
      };
    }
    a.assertAllUsed();
    return s;
  }

  /** Compares the schedule with the case's expected values at {@code counts}. */
  private static void check(Case c, Schedule s, long[] counts) {
    JsonNode tol = c.get("tolerance");
    double[] expected = null;
    if (c.has("expected", "values")) {
      expected = c.nums("expected", "values");
    } else if (c.has("expected", "values_derived_by_evaluating_test_expression")) {
      expected = c.nums("expected", "values_derived_by_evaluating_test_expression");
    } else if (c.has("expected", "value_for_every_count")) {
      expected = new double[counts.length];
      java.util.Arrays.fill(expected, c.num("expected", "value_for_every_count"));
    }
    if (expected != null) {
      assertEquals(counts.length, expected.length, c.name() + ": counts and values");
      if (c.has("expected", "dtype")) {
        c.expectText("float32", "expected", "dtype");
      }
      for (int i = 0; i < counts.length; i++) {
        String what = c.name() + " " + c.get("hyperparameters") + " at count " + counts[i];
        double actual = s.value(counts[i]);
        if (tol.has("doctest_repr")) {
          c.get("tolerance", "doctest_repr");
          assertEquals((float) expected[i], (float) actual, what + " (printed as float32)");
        } else {
          Tolerances.assertScalar(toleranceAt(tol, counts[i], what), expected[i], actual, what);
        }
      }
      if (c.has("expected", "all_finite_for_counts")) {
        for (long t : counts(c.get("expected", "all_finite_for_counts"))) {
          assertTrue(Double.isFinite(s.value(t)), c.name() + " finite at " + t);
        }
      }
      return;
    }
    String field = c.has("expected", "values_printed") ? "values_printed"
        : c.has("expected", "values_printed_4dp") ? "values_printed_4dp"
        : c.has("expected", "values_printed_6dp") ? "values_printed_6dp" : null;
    if (field == null) {
      fail(c.name() + ": expected values not understood by this test: " + c.get("expected"));
    }
    JsonNode printed = c.get("expected", field);
    String format = c.text("tolerance", "format");
    for (int i = 0; i < counts.length; i++) {
      double v = s.value(counts[i]);
      String actual = switch (format) {
        case "print()" -> Float.toString((float) v);
        case "{:.4f}" -> String.format(Locale.ROOT, "%.4f", v);
        case "{:.6f}" -> String.format(Locale.ROOT, "%.6f", v);
        default -> fail(c.name() + ": format not translated: " + format);
      };
      assertEquals(printed.get(i).asText(), actual, c.name() + " at count " + counts[i]);
    }
  }

  /** Tolerances given per count ({@code count_0_and_100}) or for all. */
  private static JsonNode toleranceAt(JsonNode tol, long count, String what) {
    Iterator<String> names = tol.fieldNames();
    boolean perCount = false;
    while (names.hasNext()) {
      String key = names.next();
      if (key.startsWith("count_")) {
        perCount = true;
        for (String n : key.substring("count_".length()).split("_and_")) {
          if (Long.parseLong(n) == count) {
            return tol.get(key);
          }
        }
      }
    }
    if (perCount) {
      fail(what + ": no tolerance for this count in " + tol);
    }
    return tol;
  }

  /** {@code "range(15)"} or a list of counts. */
  static long[] counts(JsonNode n) {
    if (n.isTextual()) {
      Matcher m = RANGE.matcher(n.asText());
      assertTrue(m.matches(), "counts not translated: " + n);
      int k = Integer.parseInt(m.group(1));
      long[] out = new long[k];
      for (int i = 0; i < k; i++) {
        out[i] = i;
      }
      return out;
    }
    long[] out = new long[n.size()];
    for (int i = 0; i < out.length; i++) {
      assertTrue(n.get(i).isIntegralNumber(), "count " + n.get(i));
      out[i] = n.get(i).asLong();
    }
    return out;
  }

  /** A JSON {@code {"5": 1.5}} as a boundaries map; JSON null is Python's None (no boundaries). */
  static Map<Long, Double> boundaries(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    Map<Long, Double> out = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> out.put(Long.parseLong(e.getKey()), e.getValue().asDouble()));
    return out;
  }

  /** The keyword arguments of a schedule, each to be used exactly by the translation. */
  private static final class Args {
    private final Case c;
    private final java.util.Set<String> used = new java.util.HashSet<>();

    Args(Case c) {
      this.c = c;
    }

    boolean has(String key) {
      return c.has("hyperparameters", key);
    }

    JsonNode node(String key) {
      used.add(key);
      return c.get("hyperparameters", key);
    }

    double num(String key) {
      used.add(key);
      return c.num("hyperparameters", key);
    }

    double numOr(double dflt, String key) {
      return has(key) ? num(key) : dflt;
    }

    long integer(String key) {
      used.add(key);
      return c.integer("hyperparameters", key);
    }

    long integerOr(long dflt, String key) {
      return has(key) ? integer(key) : dflt;
    }

    boolean boolOr(boolean dflt, String key) {
      if (!has(key)) {
        return dflt;
      }
      used.add(key);
      JsonNode n = c.get("hyperparameters", key);
      assertTrue(n.isBoolean(), c.name() + ": " + key + " is not a boolean: " + n);
      return n.asBoolean();
    }

    String text(String key) {
      used.add(key);
      return c.text("hyperparameters", key);
    }

    void assertAllUsed() {
      List<String> unused = new ArrayList<>();
      c.get("hyperparameters").fieldNames().forEachRemaining(k -> {
        if (!used.contains(k)) {
          unused.add(k);
        }
      });
      assertTrue(unused.isEmpty(), c.name() + ": hyperparameters not translated by this test: " + unused);
    }
  }
}
