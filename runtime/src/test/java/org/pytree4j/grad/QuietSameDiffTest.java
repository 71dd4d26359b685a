package org.pytree4j.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class QuietSameDiffTest {
  @Test
  void buildingTheGradientPrintsNothingButOtherOutputPassesThrough() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Grad.valueAndGrad((g, p, b) -> {
        System.out.println("from the loss function: héllo");
        return g.var(p.get("w")).mul(g.var(b.get("x"))).sum();
      }, Map.of("w", Nd4j.ones(3)), Map.of("x", Nd4j.ones(2, 3)));
      QuietSameDiff.run(() -> {
        System.out.println("Added differentiated op mul");
        System.out.println("kept line");
      });
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertFalse(out.contains("Added differentiated op"), out);
    assertTrue(out.contains("from the loss function: héllo\n"), out);
    assertTrue(out.contains("kept line\n"), out);
    assertEquals(2, out.lines().count(), out);
  }

  @Test
  void restoresSystemOut() {
    PrintStream before = System.out;
    QuietSameDiff.run(() -> { });
    assertSame(before, System.out);
  }
}
