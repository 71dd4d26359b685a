package org.pytree4j.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The end-to-end training step side by side: pytree4j ({@code valueAndGrad} + {@code applyGradients},
 * donating each step's gradients to the next; also donating the state, {@code applyGradientsDonating};
 * and with new gradients every step), the same step on
 * SameDiff's interpreter, pytree4j's gradient call alone, the gemm floor, and PyTorch
 * eager ({@code src/main/python/torch_step.py}, Debian's {@code python3-torch}), for the tiny 2-32-2 and
 * the medium 784-512-512-10 tanh MLP, batch 128, float32, clip + AdamW.
 *
 * <p>Every measurement is a fresh process ({@link EndToEndRun} or the Python script) that times every
 * step from the first; the processes of one round run one after another, systems interleaved, and
 * the table gives, per system, the median over the rounds. Two thread columns: {@code 1t} pins every
 * system to one thread (OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1, {@code torch.set_num_threads(1)},
 * {@code -Dpytree4j.grad.threads=1 -Dpytree4j.optim.threads=1}); {@code 2t} is each library's default on the machine's 2 cores
 * (PyTorch with {@code set_num_threads(2)}).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.pytree4j.benchmarks.EndToEnd [--rounds 3] [--quick]
 *     [--out benchmarks/target/end-to-end] [--python /usr/bin/python3] [--models tiny,medium]
 * </pre>
 *
 * Writes {@code end-to-end.md} (the table, machine and load) into the output directory and prints it.
 */
public final class EndToEnd {
  private static final List<String> SYSTEMS = List.of("pytorch", "pytree4j", "pytree4j-donated", "pytree4j-fresh-grads", "pytree4j-interpreter",
      "pytree4j-grad", "gemm-floor", "dl4j");
  private static final List<String> COLUMNS = List.of("1t", "2t");
  /** The tiny model's steps per run: ND4J's own calls (the gemm floor) still speed up until about step 5000. */
  private static final int TINY_STEPS = 10_000;
  private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\": (-?[0-9.eE+-]+|NaN)");

  private EndToEnd() {}

  /** One run's summary: {@link StepTimes} in ms plus the first and last loss. */
  record Run(double steady, double p25, double p75, double early, double loss0, double lossN) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
    boolean quick = options.containsKey("quick");
    Path out = Path.of(options.getOrDefault("out", "benchmarks/target/end-to-end"));
    String python = options.getOrDefault("python", new File("/usr/bin/python3").canExecute() ? "/usr/bin/python3" : "python3");
    List<String> models = List.of(options.getOrDefault("models", "tiny,medium").split(","));
    Path script = findScript();
    Files.createDirectories(out);
    for (String model : models) {
      MlpTask.named(model).write(out.resolve("data").resolve(model));
    }
    Machine before = Machine.now();
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (String model : models) {
        int steps = model.equals("tiny") ? (quick ? 1000 : TINY_STEPS) : (quick ? 200 : 600);
        for (String column : COLUMNS) {
          for (String system : SYSTEMS) {
            List<String> command = system.equals("pytorch")
                ? List.of(python, script.toString(), "--data", out.resolve("data").resolve(model).toString(),
                    "--model", model, "--steps", Integer.toString(steps), "--threads", column.equals("1t") ? "1" : "2")
                : javaCommand(system, model, steps, column);
            Run run = run(command, column);
            runs.computeIfAbsent(key(model, column, system), k -> new ArrayList<>()).add(run);
            System.err.printf(Locale.ROOT, "round %d %s %s %s: %.3f ms/step (loss %.7f -> %.7f)%n", round + 1, model,
                column, system, run.steady, run.loss0, run.lossN);
          }
        }
      }
    }
    Machine after = Machine.now();
    String report = report(models, runs, rounds, before, after);
    Files.writeString(out.resolve("end-to-end.md"), report);
    System.out.println(report);
  }

  private static List<String> javaCommand(String system, String model, int steps, String column) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms1g", "-Xmx4g", "-cp", System.getProperty("java.class.path")));
    if (column.equals("1t")) {
      command.add("-Dpytree4j.grad.threads=1");
      command.add("-Dpytree4j.optim.threads=1");
    }
    command.addAll(List.of(EndToEndRun.class.getName(), system, model, Integer.toString(steps)));
    return command;
  }

  private static Run run(List<String> command, String column) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (column.equals("1t")) {
      builder.environment().put("OMP_NUM_THREADS", "1");
      builder.environment().put("OPENBLAS_NUM_THREADS", "1");
    } else {
      builder.environment().remove("OMP_NUM_THREADS");
      builder.environment().remove("OPENBLAS_NUM_THREADS");
    }
    Process process = builder.start();
    String result = null;
    StringBuilder output = new StringBuilder();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          result = line;
        } else if (output.length() < 4000) {
          output.append(line).append('\n');
        }
      }
    }
    int exit = process.waitFor();
    if (exit != 0 || result == null) {
      throw new IllegalStateException("'" + String.join(" ", command) + "' exited with " + exit + ":\n" + output);
    }
    Map<String, Double> values = new LinkedHashMap<>();
    Matcher m = NUMBER.matcher(result);
    while (m.find()) {
      values.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return new Run(values.get("steady"), values.get("p25"), values.get("p75"), values.get("early"),
        values.get("loss0"), values.get("lossN"));
  }

  static String report(List<String> models, Map<String, List<Run>> runs, int rounds, Machine before, Machine after) {
    StringBuilder sb = new StringBuilder();
    sb.append("## End-to-end training step: ms per step (median of ").append(rounds).append(" runs)\n\n");
    sb.append("| system |");
    for (String model : models) {
      for (String column : COLUMNS) {
        sb.append(' ').append(model).append(' ').append(column).append(" | ratio to PyTorch |");
      }
    }
    sb.append("\n|---|");
    sb.append("---:|---:|".repeat(models.size() * COLUMNS.size()));
    sb.append('\n');
    for (String system : SYSTEMS) {
      sb.append("| ").append(system).append(" |");
      for (String model : models) {
        for (String column : COLUMNS) {
          double ms = median(runs.get(key(model, column, system)), Run::steady);
          double torch = median(runs.get(key(model, column, "pytorch")), Run::steady);
          sb.append(String.format(Locale.ROOT, " %.3f | %.2f |", ms, ms / torch));
        }
      }
      sb.append('\n');
    }
    sb.append("\n## Against the gemm floor, steady state and spread\n\n");
    sb.append("| model | threads | pytree4j step / floor | donated step / floor | gradient call / floor | pytree4j steps 101-200 / steady | "
        + "pytree4j p75/p25 (worst run) | pytree4j run-to-run max/min | PyTorch p75/p25 (worst run) |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String model : models) {
      for (String column : COLUMNS) {
        List<Run> p = runs.get(key(model, column, "pytree4j"));
        double floor = median(runs.get(key(model, column, "gemm-floor")), Run::steady);
        double step = median(p, Run::steady);
        double donated = median(runs.get(key(model, column, "pytree4j-donated")), Run::steady);
        double grad = median(runs.get(key(model, column, "pytree4j-grad")), Run::steady);
        double early = median(p, Run::early);
        double spread = worstSpread(p);
        double runToRun = p.stream().mapToDouble(Run::steady).max().orElse(Double.NaN)
            / p.stream().mapToDouble(Run::steady).min().orElse(Double.NaN);
        double torchSpread = worstSpread(runs.get(key(model, column, "pytorch")));
        sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", model, column,
            step / floor, donated / floor, grad / floor, early / step, spread, runToRun, torchSpread));
      }
    }
    sb.append("\n## Warm-up and spread of every system\n\n"
        + "Steps 101-200 over the steady step (median over the runs), then p75/p25 of the steady steps (worst run). "
        + "The gemm floor is ND4J's matrix products alone: what any JVM code calling them warms up through.\n\n");
    sb.append("| system |");
    for (String model : models) {
      for (String column : COLUMNS) {
        sb.append(' ').append(model).append(' ').append(column).append(" 101-200 / steady | p75/p25 |");
      }
    }
    sb.append("\n|---|").append("---:|---:|".repeat(models.size() * COLUMNS.size())).append('\n');
    for (String system : SYSTEMS) {
      sb.append("| ").append(system).append(" |");
      for (String model : models) {
        for (String column : COLUMNS) {
          List<Run> r = runs.get(key(model, column, system));
          sb.append(String.format(Locale.ROOT, " %.2f | %.2f |", median(r, Run::early) / median(r, Run::steady), worstSpread(r)));
        }
      }
      sb.append('\n');
    }
    sb.append("\nFirst loss of each system (all start from the same weights and batch):");
    for (String model : models) {
      sb.append("\n- ").append(model).append(':');
      for (String system : SYSTEMS) {
        double loss = runs.get(key(model, "1t", system)).get(0).loss0;
        if (!Double.isNaN(loss)) {
          sb.append(String.format(Locale.ROOT, " %s %.7f;", system, loss));
        }
      }
    }
    sb.append(String.format(Locale.ROOT, "%n%nMachine: %s, %d cores, %s. Load average before: %s; after: %s; "
        + "CPU time stolen by the hypervisor during the run: %.1f%%; run took %.1f min.%n", before.cpu(), before.cores(),
        before.jvm(), before.load(), after.load(), 100 * before.stolenShareUntil(after), before.minutesUntil(after)));
    return sb.toString();
  }

  /** The largest p75/p25 of the runs. */
  private static double worstSpread(List<Run> runs) {
    return runs.stream().mapToDouble(r -> r.p75 / r.p25).max().orElse(Double.NaN);
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
    double[] values = runs.stream().mapToDouble(f).sorted().toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  private static String key(String model, String column, String system) {
    return model + "/" + column + "/" + system;
  }

  private static Path findScript() {
    for (Path candidate : List.of(Path.of("benchmarks/src/main/python/torch_step.py"),
        Path.of("src/main/python/torch_step.py"), Path.of("../src/main/python/torch_step.py"))) {
      if (Files.isRegularFile(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw new IllegalStateException("torch_step.py not found: run from the repository root");
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i] + "; options: " + Arrays.asList(
            "--rounds N", "--quick", "--out DIR", "--python PATH", "--models tiny,medium"));
      }
      String name = args[i].substring(2);
      if (name.equals("quick")) {
        options.put(name, "true");
      } else {
        options.put(name, args[++i]);
      }
    }
    return options;
  }
}
