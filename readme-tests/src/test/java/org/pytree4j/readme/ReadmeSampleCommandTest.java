package org.pytree4j.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's sample command with options passed the way the README documents
 * ({@code -Dexec.args="--steps … --seed … --out …"}), from the repository root, with the Maven that
 * runs this build. The runtime's native-kernel step in the same build must leave {@code exec.args}
 * to the sample.
 */
class ReadmeSampleCommandTest {
  private static final Path ROOT = Path.of(System.getProperty("pytree4j.root", "..")).toAbsolutePath().normalize();
  private static final String MAVEN = Path.of(System.getProperty("maven.home", "/usr/share/maven"), "bin", "mvn")
      .toString();

  @Test
  void sampleCommandTakesTheDocumentedOptions(@TempDir Path out) throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    List<String> command = sampleCommand(readme);
    assertEquals(List.of("mvn", "-B", "-q", "-pl", "samples", "-am", "compile", "exec:java"), command,
        "the README's sample command");

    // the README's example of options, with fewer steps and a folder of this test's own
    Matcher options = Pattern.compile("-Dexec\\.args=\"--steps (\\d+) --seed (\\d+) --out (\\S+)\"").matcher(readme);
    assertTrue(options.find(), "README.md documents -Dexec.args=\"--steps N --seed S --out DIR\"");
    List<String> argv = new ArrayList<>(command);
    argv.set(0, MAVEN);
    argv.add("-Dexec.args=--steps 20 --seed " + options.group(2) + " --out " + out + " --quiet");

    Process process = new ProcessBuilder(argv).directory(ROOT.toFile()).redirectErrorStream(true).start();
    byte[] output;
    try (var in = process.getInputStream()) {
      output = in.readAllBytes();
    }
    assertTrue(process.waitFor(10, TimeUnit.MINUTES), "the sample command did not finish");
    String log = new String(output, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), String.join(" ", argv) + " failed:\n" + log);
    assertTrue(log.contains("held-out accuracy"), "the sample ran:\n" + log);
    assertTrue(Files.isRegularFile(out.resolve("training-curves.png")), "the chart went to --out:\n" + log);
  }

  /** The command of the README's "Run the main sample" block, split into words. */
  private static List<String> sampleCommand(String readme) {
    int heading = readme.indexOf("**Run the main sample**");
    assertTrue(heading >= 0, "README.md has a 'Run the main sample' step");
    int start = readme.indexOf("```bash\n", heading) + "```bash\n".length();
    String line = readme.substring(start, readme.indexOf('\n', start)).strip();
    return Arrays.asList(line.split("\\s+"));
  }
}
