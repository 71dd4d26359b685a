package org.pytree4j.optim.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of {@code conformance/optax_cases.json} (numbers taken from Optax's own tests and
 * docstrings; {@code ../shared/conformance} holds the copy it is checked against) and of
 * {@code conformance/optax_cases_added.json} (cases added since, in the same format), each at its
 * stated tolerance. Each case is one dynamic test; a case whose kind or name this test does not
 * translate fails, and so does a case with a field the translation did not use.
 */
class OptaxConformanceTest {
  static final String RESOURCE = "/conformance/optax_cases.json";
  static final String ADDED = "/conformance/optax_cases_added.json";

  static JsonNode cases() {
    return read(RESOURCE);
  }

  static JsonNode read(String resource) {
    try (InputStream in = OptaxConformanceTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the test resources");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCase() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String resource : List.of(RESOURCE, ADDED)) {
      for (JsonNode node : read(resource).get("cases")) {
        Case c = new Case(node);
        tests.add(DynamicTest.dynamicTest(c.kind() + ": " + c.name(), () -> {
          run(c);
          c.assertAllRead();
        }));
      }
    }
    return tests.stream();
  }

  private static void run(Case c) {
    switch (c.kind()) {
      case "schedule" -> ScheduleCases.values(c);
      case "schedule_property" -> ScheduleCases.properties(c);
      case "schedule_error" -> ScheduleCases.errors(c);
      case "optimizer", "optimizer_error", "optimizer_state", "transform", "apply_updates", "numerics" ->
          OptimizerCases.byName(c);
      case "optimizer_convergence" -> OptimizerCases.convergence(c);
      case "optimizer_equivalence" -> OptimizerCases.injectEquivalence(c);
      case "optimizer_trajectory" -> OptimizerCases.docTrajectory(c);
      case "optimizer_dtype" -> OptimizerCases.preservesDtype(c);
      default -> fail(c.name() + ": kind '" + c.kind() + "' not translated by this test");
    }
  }

  /** The file is the one the cases were taken from, and nothing was dropped from it. */
  @Test
  void casesComeFromTheStatedOptaxCommit() {
    JsonNode root = cases();
    assertEquals("google-deepmind/optax", root.get("repo").asText());
    assertEquals("2edbcbe2390da13983b92cbef94ac0460ecde1c5", root.get("commit").asText());
    assertEquals(85, root.get("cases").size(), "number of cases");
  }

  /** Every added case says where in Optax it comes from, and no name is used twice across the two files. */
  @Test
  void addedCasesNameTheirSourceAndRepeatNoName() {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (JsonNode node : cases().get("cases")) {
      names.add(node.get("name").asText());
    }
    for (JsonNode node : read(ADDED).get("cases")) {
      String name = node.get("name").asText();
      assertTrue(names.add(name), name + " is a case already");
      JsonNode source = node.get("source");
      assertTrue(source != null && source.get("repo").asText().equals("google-deepmind/optax")
          && source.get("path").asText().startsWith("optax/") && !source.get("test_or_doc").asText().isBlank(),
          name + " names the Optax file and test or docstring it comes from");
    }
  }
}
