package org.pytree4j.processor;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.annotation.processing.Processor;
import javax.tools.Diagnostic;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import org.eclipse.jdt.internal.compiler.tool.EclipseCompiler;

/**
 * Compiles with Eclipse's compiler (ecj), in process, with the pytree4j processor, as Eclipse does.
 * ecj reads sources from disk (its {@code javax.tools} front end passes their paths on its command
 * line), so the sources are written under {@code dir} first; generated sources and classes go there
 * too. Runs with ecj's default warnings: those an Eclipse user sees.
 */
final class Ecj {
  private Ecj() {}

  /** One diagnostic: {@code file} is the source's path relative to the source root, or null. */
  record Message(Diagnostic.Kind kind, String file, long line, String text) {
    @Override
    public String toString() {
      return kind + " " + file + ":" + line + " " + text;
    }
  }

  /** What a compilation reported and generated (qualified name to source text). */
  record Result(boolean success, List<Message> messages, Map<String, String> generated, String log) {
    List<Message> of(Diagnostic.Kind kind) {
      return messages.stream().filter(m -> m.kind() == kind).toList();
    }

    List<Message> errorsAndWarnings() {
      return messages.stream()
          .filter(m -> m.kind() == Diagnostic.Kind.ERROR || m.kind() == Diagnostic.Kind.WARNING
              || m.kind() == Diagnostic.Kind.MANDATORY_WARNING)
          .toList();
    }

    @Override
    public String toString() {
      return "success=" + success + ", messages=" + messages + "\n" + log;
    }
  }

  static Result compile(Path dir, List<JavaFileObject> sources, Processor... processors) {
    try {
      Path src = Files.createDirectories(dir.resolve("src"));
      Path generated = Files.createDirectories(dir.resolve("generated"));
      Path classes = Files.createDirectories(dir.resolve("classes"));
      List<Path> files = new ArrayList<>();
      for (JavaFileObject source : sources) {
        Path file = src.resolve(source.toUri().getPath().replaceFirst("^/", ""));
        Files.createDirectories(file.getParent());
        Files.writeString(file, source.getCharContent(true), StandardCharsets.UTF_8);
        files.add(file);
      }
      JavaCompiler ecj = new EclipseCompiler();
      List<Message> messages = new ArrayList<>();
      StandardJavaFileManager fileManager = ecj.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
      StringWriter log = new StringWriter();
      JavaCompiler.CompilationTask task = ecj.getTask(new PrintWriter(log), fileManager,
          d -> messages.add(new Message(d.getKind(), relative(src, generated, d.getSource()), d.getLineNumber(),
              d.getMessage(Locale.ROOT))),
          List.of("-17", "-encoding", "UTF-8", "-cp", System.getProperty("java.class.path"),
              "-s", generated.toString(), "-d", classes.toString()),
          null, fileManager.getJavaFileObjectsFromPaths(files));
      task.setProcessors(List.of(processors));
      boolean success = task.call();
      fileManager.close();
      return new Result(success, List.copyOf(messages), read(generated), log.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sources by path under {@code src} ({@code test/nn/Dense.java}); generated ones as {@code generated/…}. */
  private static String relative(Path src, Path generated, JavaFileObject source) {
    if (source == null) {
      return null;
    }
    Path path = Path.of(source.toUri()).toAbsolutePath();
    if (path.startsWith(src.toAbsolutePath())) {
      return src.toAbsolutePath().relativize(path).toString();
    }
    if (path.startsWith(generated.toAbsolutePath())) {
      return "generated/" + generated.toAbsolutePath().relativize(path);
    }
    return path.toString();
  }

  private static Map<String, String> read(Path generated) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(generated)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted(Comparator.naturalOrder()).toList()) {
        String name = generated.relativize(file).toString().replace('/', '.').replaceFirst("\\.java$", "");
        out.put(name, Files.readString(file, StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
