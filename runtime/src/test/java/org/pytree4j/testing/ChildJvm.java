package org.pytree4j.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child JVM on the test classpath, with its output lines collected as they come. */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Thread reader;

  private ChildJvm(Process process) {
    this.process = process;
    this.reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("<output closed: " + e + ">");
      }
    }, "child-jvm-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** {@code main} with {@code args} in a JVM of 256 MiB heap. */
  public static ChildJvm start(Class<?> main, String... args) throws IOException {
    return start(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), main, args);
  }

  /** {@code main} with {@code args} in a JVM started with {@code jvmOptions}. */
  public static ChildJvm start(List<String> jvmOptions, Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ChildJvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
  }

  /** The next output line, waiting up to {@code seconds}; fails the test if none comes. */
  public String nextLine(int seconds) throws InterruptedException {
    String line = lines.poll(seconds, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError("child JVM printed nothing for " + seconds + " s (alive: " + process.isAlive() + ")");
    }
    return line;
  }

  /** Every line printed so far that has not been taken. */
  public List<String> drain() {
    List<String> out = new ArrayList<>();
    lines.drainTo(out);
    return out;
  }

  public Process process() {
    return process;
  }

  /** Kills the child at once (SIGKILL on Linux) and waits for it to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("child JVM did not die");
    }
  }

  /** Waits for the child to exit by itself, then for its output to be read. */
  public int awaitExit(int seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("child JVM did not finish in " + seconds + " s");
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
