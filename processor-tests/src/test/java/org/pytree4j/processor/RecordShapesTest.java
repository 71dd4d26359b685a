package org.pytree4j.processor;

import static com.google.common.truth.Truth.assertWithMessage;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property-based: hundreds of random record declarations per run ({@link RandomRecords}). Every
 * valid one must get a companion that compiles under {@code -Xlint:all -Werror}, the same companion
 * under ecj, and flatten, unflatten, builders and withers must behave on it; every invalid one
 * ({@link RandomInvalidRecords}) must get its tagged diagnostic on the right line, and never a crash.
 *
 * <p>Each run draws a new seed and prints it; {@code -Dpytree4j.shapes.seed=N} replays a run.
 */
class RecordShapesTest {
  static final int VALID_RECORDS = 200;
  static final int INVALID_RECORDS = 60;

  private static final long SEED = Long.getLong("pytree4j.shapes.seed", System.nanoTime());

  static {
    System.out.println("RecordShapesTest seed " + SEED + " (replay: -Dpytree4j.shapes.seed=" + SEED + ")");
  }

  private static RandomRecords.Universe universe;
  private static List<JavaFileObject> files;
  private static Compilation javac;

  @BeforeAll
  static void compileValidRecords() {
    universe = new RandomRecords(SEED).generate(VALID_RECORDS);
    files = universe.sources().stream().map(RandomSources.Source::file).toList();
    javac = Compilations.compiler(new ClaimingProcessor(RandomRecords.ANNOTATIONS.toArray(new String[0])))
        .withOptions((Object[]) Compilations.STRICT)
        .compile(files);
  }

  @Test
  void validRecordsCompileStrictlyAndBehave() throws Exception {
    assertWithMessage("seed %s", SEED).that(universe.records().size()).isAtLeast(200);
    if (javac.status() != Compilation.Status.SUCCESS || !javac.warnings().isEmpty()) {
      throw new AssertionError("seed " + SEED + ": random records did not compile cleanly under -Xlint:all -Werror:\n"
          + describe(javac.diagnostics()) + "\n" + sourcesNamedIn(universe, javac.diagnostics()));
    }
    ClassLoader loader = new CompiledClassLoader(javac, getClass().getClassLoader());
    List<String> failures = new ArrayList<>();
    for (String pkg : universe.records().stream().map(r -> r.pkg).distinct().toList()) {
      try {
        @SuppressWarnings("unchecked")
        List<String> failed = (List<String>) loader.loadClass(pkg + ".Exercise").getMethod("run").invoke(null);
        failures.addAll(failed);
      } catch (InvocationTargetException e) {
        throw new AssertionError("seed " + SEED + ": " + pkg + ".Exercise.run() threw", e.getCause());
      }
    }
    if (!failures.isEmpty()) {
      List<RandomRecords.RecordSpec> failed = universe.records().stream()
          .filter(r -> failures.stream().anyMatch(f -> f.startsWith(r.toString()))).toList();
      throw new AssertionError("seed " + SEED + ": " + failures.size() + " records misbehaved:\n"
          + String.join("\n", failures) + "\n" + universe.sourcesOf(failed));
    }
  }

  /**
   * The same records under Eclipse's compiler: the processor reports nothing, the companions
   * compile without a warning, and each is javac's, character for character.
   */
  @Test
  void ecjGeneratesWhatJavacGenerates(@TempDir Path dir) throws IOException {
    // the records only: the checking code has run under javac
    List<JavaFileObject> records = universe.sources().stream()
        .filter(source -> !source.qualifiedName().endsWith(".Exercise"))
        .map(RandomSources.Source::file)
        .toList();
    Ecj.Result ecj = Ecj.compile(dir, records, new PyTreeProcessor(),
        new ClaimingProcessor(RandomRecords.ANNOTATIONS.toArray(new String[0])));
    List<Ecj.Message> wrong = ecj.messages().stream()
        .filter(m -> m.text().startsWith("[PyTree") || (m.file() != null && m.file().startsWith("generated/")))
        .filter(m -> m.kind() != Diagnostic.Kind.NOTE)
        .toList();
    assertWithMessage("seed %s: %s", SEED, ecj).that(ecj.success()).isTrue();
    assertWithMessage("seed %s", SEED).that(wrong).isEmpty();
    List<String> differing = new ArrayList<>();
    int compared = 0;
    for (JavaFileObject file : javac.generatedSourceFiles()) {
      String path = file.toUri().getPath();
      String name = path.substring(path.indexOf("/SOURCE_OUTPUT/") + "/SOURCE_OUTPUT/".length(),
          path.length() - ".java".length()).replace('/', '.');
      String text = file.getCharContent(true).toString();
      compared++;
      if (!text.equals(ecj.generated().get(name))) {
        differing.add(name + "\n---- javac:\n" + text + "\n---- ecj:\n" + ecj.generated().get(name));
      }
    }
    assertWithMessage("seed %s", SEED).that(compared).isAtLeast(200);
    assertWithMessage("seed %s: companions that differ under ecj:\n%s", SEED,
        String.join("\n", differing.subList(0, Math.min(3, differing.size())))).that(differing).isEmpty();
  }

  @Test
  void invalidRecordsGetTheirTagOnTheirLineAndNeverACrash() {
    List<RandomInvalidRecords.Case> cases = new RandomInvalidRecords(SEED).generate(INVALID_RECORDS);
    assertWithMessage("seed %s", SEED).that(cases.size()).isAtLeast(50);
    Compilation compilation = Compilations.compiler()
        .withOptions("-Xmaxerrs", "100000", "-Xmaxwarns", "100000")
        .compile(cases.stream().map(c -> c.source().file()).toList());
    List<String> failures = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
      if (d.getMessage(null).contains("[PyTreeCrash]")) {
        failures.add("crash: " + d.getMessage(null));
      }
    }
    for (RandomInvalidRecords.Case c : cases) {
      List<Diagnostic<? extends JavaFileObject>> ours = new ArrayList<>();
      List<Diagnostic<? extends JavaFileObject>> javacErrors = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
        String file = d.getSource() == null ? "" : d.getSource().getName();
        if (!file.equals(c.path()) && !file.endsWith("/" + c.path())) {
          continue;
        }
        if (d.getMessage(null).startsWith("[PyTree")) {
          ours.add(d);
        } else if (d.getKind() == Diagnostic.Kind.ERROR) {
          javacErrors.add(d);
        }
      }
      boolean right = ours.size() == 1
          && ours.get(0).getKind() == c.kind()
          && ours.get(0).getMessage(null).startsWith(c.tag())
          && ours.get(0).getLineNumber() == c.line()
          && (c.javacErrorsToo() || javacErrors.isEmpty());
      if (!right) {
        failures.add(c.path() + " (" + c.defect() + "): expected " + c.kind() + " " + c.tag() + " on line " + c.line()
            + " but got:\n" + describe(ours) + describe(javacErrors) + c.source().text());
      }
    }
    if (!failures.isEmpty()) {
      throw new AssertionError("seed " + SEED + ": " + failures.size() + " of " + cases.size()
          + " invalid records were not reported as expected:\n" + String.join("\n", failures));
    }
  }

  private static String describe(List<Diagnostic<? extends JavaFileObject>> diagnostics) {
    StringBuilder out = new StringBuilder();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics) {
      out.append(d.getKind()).append(' ').append(d.getSource() == null ? "-" : d.getSource().getName()).append(':')
          .append(d.getLineNumber()).append(' ').append(d.getMessage(null)).append('\n');
    }
    return out.toString();
  }

  /** The sources of the records whose files (or companions) the diagnostics name. */
  private static String sourcesNamedIn(RandomRecords.Universe universe,
      List<Diagnostic<? extends JavaFileObject>> diagnostics) {
    List<RandomRecords.RecordSpec> named = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics) {
      String file = d.getSource() == null ? "" : d.getSource().getName();
      for (RandomRecords.RecordSpec spec : universe.records()) {
        String dir = spec.pkg.replace('.', '/') + "/";
        if (file.endsWith(dir + spec.companion() + ".java")
            || file.endsWith(dir + String.join(".", spec.nested()).replaceFirst("\\..*", "") + ".java")) {
          named.add(spec);
        }
      }
    }
    return universe.sourcesOf(named.stream().distinct().limit(10).toList());
  }

  /** Loads the classes a compile-testing compilation wrote, over the test's own class path. */
  static final class CompiledClassLoader extends ClassLoader {
    private final Map<String, JavaFileObject> classes = new HashMap<>();

    CompiledClassLoader(Compilation compilation, ClassLoader parent) {
      super(parent);
      for (JavaFileObject file : compilation.generatedFiles()) {
        String path = file.toUri().getPath();
        if (path.endsWith(".class")) {
          String name = path.substring(path.indexOf("/CLASS_OUTPUT/") + "/CLASS_OUTPUT/".length(),
              path.length() - ".class".length()).replace('/', '.');
          classes.put(name, file);
        }
      }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      JavaFileObject file = classes.get(name);
      if (file == null) {
        throw new ClassNotFoundException(name);
      }
      try (InputStream in = file.openInputStream()) {
        byte[] bytes = in.readAllBytes();
        return defineClass(name, bytes, 0, bytes.length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
