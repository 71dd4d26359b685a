package org.pytree4j.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.ClassName;
import org.junit.jupiter.api.Test;

/** The naming rules of generated code. */
class NamingTest {

  @Test
  void companionNames() {
    assertEquals(ClassName.get("com.acme", "DensePyTree"), Naming.companion(ClassName.get("com.acme", "Dense")));
    assertEquals(ClassName.get("com.acme", "Outer_InnerPyTree"),
        Naming.companion(ClassName.get("com.acme", "Outer", "Inner")));
    assertEquals(ClassName.get("", "A_B_CPyTree"), Naming.companion(ClassName.get("", "A", "B", "C")));
  }

  @Test
  void witherNames() {
    assertEquals("withKernel", Naming.witherName("kernel"));
    assertEquals("withOptState", Naming.witherName("optState"));
    assertEquals("withX", Naming.witherName("x"));
    assertEquals("withURL", Naming.witherName("URL"));
    assertEquals("with_private", Naming.witherName("_private"));
  }

  @Test
  void stateDictNamesAreSnakeCase() {
    assertEquals("opt_state", Naming.snakeCase("optState"));
    assertEquals("batch_stats", Naming.snakeCase("batchStats"));
    assertEquals("apply_fn", Naming.snakeCase("applyFn"));
    assertEquals("step", Naming.snakeCase("step"));
    assertEquals("http_port", Naming.snakeCase("HTTPPort"));
    assertEquals("layer1_norm", Naming.snakeCase("layer1Norm"));
    assertEquals("already_snake", Naming.snakeCase("already_snake"));
    assertEquals("ema_params", Naming.snakeCase("emaParams"));
  }

  @Test
  void reservedNamesAreTheGeneratedMethods() {
    for (String name : new String[] {"replace", "toBuilder", "builder", "build", "flatten", "flattenWithPath",
        "unflatten", "nodeType", "pyTreeNodeType", "create", "applyGradients", "applyGradientsDonating"}) {
      assertTrue(Naming.RESERVED.contains(name), name);
    }
    assertEquals(12, Naming.RESERVED.size());
  }
}
