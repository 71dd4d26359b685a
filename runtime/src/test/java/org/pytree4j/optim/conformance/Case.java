package org.pytree4j.optim.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One case of optax_cases.json. Remembers every field the test reads, so that a run can assert that
 * no field of the case was left unused (only prose fields such as {@code rule} or {@code notes} may
 * be). A variant view overrides some fields (cases that list several values of a hyperparameter).
 */
final class Case {
  private static final Set<String> PROSE = Set.of("source", "notes", "note", "rule", "test_expression", "name", "kind");

  private final JsonNode node;
  private final Set<String> read;
  private final Map<String, JsonNode> overrides;

  Case(JsonNode node) {
    this(node, new HashSet<>(), Map.of());
  }

  private Case(JsonNode node, Set<String> read, Map<String, JsonNode> overrides) {
    this.node = node;
    this.read = read;
    this.overrides = overrides;
  }

  String name() {
    return node.get("name").asText();
  }

  String kind() {
    return node.get("kind").asText();
  }

  /** The same case with {@code path} replaced by {@code value}; reads are shared. */
  Case withVariant(Map<String, JsonNode> values) {
    Map<String, JsonNode> o = new HashMap<>(overrides);
    o.putAll(values);
    return new Case(node, read, o);
  }

  boolean has(String... path) {
    return raw(path) != null;
  }

  /** The node at {@code path} (marks it and everything under it as read); fails when absent. */
  JsonNode get(String... path) {
    JsonNode n = raw(path);
    if (n == null) {
      fail(name() + ": the case has no field " + String.join(".", path));
    }
    read.add(String.join("/", path));
    return n;
  }

  /** The node at {@code path}, or null; marks it read. */
  JsonNode opt(String... path) {
    JsonNode n = raw(path);
    if (n != null) {
      read.add(String.join("/", path));
    }
    return n;
  }

  String text(String... path) {
    return get(path).asText();
  }

  double num(String... path) {
    JsonNode n = get(path);
    if (!n.isNumber()) {
      fail(name() + ": " + String.join(".", path) + " is not a number: " + n);
    }
    return n.asDouble();
  }

  long integer(String... path) {
    JsonNode n = get(path);
    if (!n.isIntegralNumber()) {
      fail(name() + ": " + String.join(".", path) + " is not an integer: " + n);
    }
    return n.asLong();
  }

  double numOr(double dflt, String... path) {
    return has(path) ? num(path) : dflt;
  }

  double[] nums(String... path) {
    JsonNode n = get(path);
    double[] out = new double[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asDouble();
    }
    return out;
  }

  /** Pins the Python text this test translates by hand: fails if the case says something else. */
  void expectText(String expected, String... path) {
    assertEquals(expected, text(path), name() + ": " + String.join(".", path)
        + " is translated to Java by hand in this test; the case changed, update the translation");
  }

  /** Fails if any field of the case was not read (prose fields aside). */
  void assertAllRead() {
    List<String> unread = new ArrayList<>();
    collect(node, "", unread);
    if (!unread.isEmpty()) {
      fail(name() + ": fields of the case not used by the test: " + unread);
    }
  }

  private void collect(JsonNode n, String path, List<String> unread) {
    if (isRead(path)) {
      return;
    }
    if (n.isObject() && n.size() > 0) {
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        if (PROSE.contains(key) || key.endsWith("_note")) {
          continue;
        }
        collect(e.getValue(), path.isEmpty() ? key : path + "/" + key, unread);
      }
    } else {
      unread.add(path.replace('/', '.'));
    }
  }

  private boolean isRead(String path) {
    if (path.isEmpty()) {
      return false;
    }
    for (String r : read) {
      if (path.equals(r) || path.startsWith(r + "/")) {
        return true;
      }
    }
    return false;
  }

  private JsonNode raw(String... path) {
    String key = String.join("/", path);
    if (overrides.containsKey(key)) {
      return overrides.get(key);
    }
    JsonNode n = node;
    for (String p : path) {
      n = n == null ? null : n.get(p);
    }
    return n == null || n.isMissingNode() ? null : n;
  }
}
