package org.pytree4j.benchmarks;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One measured run in a fresh JVM: {@code EndToEndRun SYSTEM MODEL STEPS} builds the system for the
 * model, times every one of {@code STEPS} steps from the first, and prints one line
 * {@code RESULT {json}} with the {@link StepTimes} summary and the first loss (to check that all
 * systems compute the same thing). {@link EndToEnd} starts these processes, each with the thread
 * settings of its column.
 */
public final class EndToEndRun {
  private EndToEndRun() {}

  public static void main(String[] args) {
    String system = args[0];
    MlpTask task = MlpTask.named(args[1]);
    int steps = Integer.parseInt(args[2]);
    Nd4j.create(1);   // loads the backend before anything is timed
    TrainingStep step = switch (system) {
      case "pytree4j" -> new Pytree4jStep(task, false);
      case "pytree4j-fresh-grads" -> new Pytree4jStep(task, true);
      case "pytree4j-donated" -> new Pytree4jStep(task, false, true);
      case "pytree4j-grad" -> new Pytree4jStep(task, false).gradientsOnly();
      case "pytree4j-interpreter" -> {
        System.setProperty("pytree4j.grad.plan", "false");   // the same step on SameDiff's interpreter
        yield new Pytree4jStep(task, true);
      }
      case "gemm-floor" -> new GemmFloor(task);
      case "dl4j" -> new Dl4jStep(task);
      default -> throw new IllegalArgumentException("unknown system '" + system + "'");
    };
    long[] nanos = new long[steps];
    double firstLoss = Double.NaN;
    double lastLoss = Double.NaN;
    for (int i = 0; i < steps; i++) {
      long t0 = System.nanoTime();
      double loss = step.step();
      nanos[i] = System.nanoTime() - t0;
      if (i == 0) {
        firstLoss = loss;
      }
      lastLoss = loss;
    }
    System.out.println(String.format(Locale.ROOT,
        "RESULT {\"system\": \"%s\", \"model\": \"%s\", \"steps\": %d, %s, \"loss0\": %.7f, \"lossN\": %.7f}",
        system, task.name(), steps, StepTimes.of(nanos).json(), firstLoss, lastLoss));
  }
}
