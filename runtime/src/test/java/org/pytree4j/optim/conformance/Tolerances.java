package org.pytree4j.optim.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** The tolerance forms of optax_cases.json ({@code tolerance_conventions}), for one scalar. */
final class Tolerances {
  private Tolerances() {}

  /** Asserts {@code actual} is {@code expected} within the tolerance {@code tol}. */
  static void assertScalar(JsonNode tol, double expected, double actual, String what) {
    if (!within(tol, expected, actual, what)) {
      fail(what + ": expected " + expected + " but got " + actual + " (|diff| " + Math.abs(actual - expected)
          + ", tolerance " + tol + ")");
    }
  }

  static boolean within(JsonNode tol, double expected, double actual, String what) {
    double d = Math.abs(actual - expected);
    if (tol.has("exact")) {
      requireOnly(tol, what, "exact");
      return expected == actual;
    }
    if (tol.has("np.testing.assert_allclose_default")) {
      requireOnly(tol, what, "np.testing.assert_allclose_default");
      JsonNode t = tol.get("np.testing.assert_allclose_default");
      return d <= t.path("atol").asDouble(0) + t.path("rtol").asDouble(1e-7) * Math.abs(expected);
    }
    if (tol.has("np.isclose_default")) {
      requireOnly(tol, what, "np.isclose_default");
      JsonNode t = tol.get("np.isclose_default");
      return d <= t.path("atol").asDouble(1e-8) + t.path("rtol").asDouble(1e-5) * Math.abs(expected);
    }
    if (tol.has("assertAlmostEqual_places")) {
      requireOnly(tol, what, "assertAlmostEqual_places");
      return d < 0.5 * Math.pow(10, -tol.get("assertAlmostEqual_places").asInt());
    }
    if (tol.has("np.testing.assert_almost_equal_decimal")) {
      requireOnly(tol, what, "np.testing.assert_almost_equal_decimal");
      return d < 1.5 * Math.pow(10, -tol.get("np.testing.assert_almost_equal_decimal").asInt());
    }
    if (tol.has("rtol") || tol.has("atol")) {
      requireOnly(tol, what, "rtol", "atol");
      return d <= tol.path("atol").asDouble(0) + tol.path("rtol").asDouble(0) * Math.abs(expected);
    }
    fail(what + ": tolerance form not understood by this test: " + tol);
    return false;
  }

  private static void requireOnly(JsonNode tol, String what, String... keys) {
    Iterator<Map.Entry<String, JsonNode>> it = tol.fields();
    while (it.hasNext()) {
      String k = it.next().getKey();
      if (!java.util.List.of(keys).contains(k)) {
        fail(what + ": tolerance " + tol + " has '" + k + "' next to " + java.util.List.of(keys) + "; not understood");
      }
    }
  }
}
