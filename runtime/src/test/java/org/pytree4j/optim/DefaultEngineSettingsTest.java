package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pytree4j.testing.ChildJvm;

/**
 * A bad {@code -Dpytree4j.optim.threads} is refused by name at every use of the default engine (in a JVM
 * of its own, since the default engine is made once per JVM), not as an ExceptionInInitializerError
 * once and a NoClassDefFoundError after.
 */
class DefaultEngineSettingsTest {

  @Test
  void aBadThreadsSettingIsReportedAtEveryUse() throws Exception {
    try (ChildJvm child = ChildJvm.start(List.of("-Xmx256m", "-Dpytree4j.optim.threads=0"), UseDefaultEngineTwice.class)) {
      assertEquals(0, child.awaitExit(60));
      String expected = "IllegalArgumentException: -Dpytree4j.optim.threads must be a positive number of threads, not '0'";
      assertEquals(List.of(expected, expected), child.drain());
    }
  }

  /** Asks for the default engine twice and prints what each call threw. */
  public static final class UseDefaultEngineTwice {
    public static void main(String[] args) {
      for (int i = 0; i < 2; i++) {
        try {
          System.out.println("no exception: " + StepEngine.defaultEngine());
        } catch (RuntimeException e) {
          System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
      }
    }
  }
}
