package org.pytree4j.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import javax.annotation.processing.Processor;
import javax.tools.JavaFileObject;

/** How the processor tests compile: javac with the pytree4j processor, warnings as errors. */
final class Compilations {
  private Compilations() {}

  /** Every lint on and warnings fatal, as a strict user build would have it. */
  static final String[] STRICT = {"-Xlint:all", "-Werror"};

  static Compiler strict(Processor... extra) {
    return compiler(extra).withOptions((Object[]) STRICT);
  }

  static Compiler compiler(Processor... extra) {
    Processor[] processors = new Processor[extra.length + 1];
    processors[0] = new PyTreeProcessor();
    System.arraycopy(extra, 0, processors, 1, extra.length);
    return javac().withProcessors(processors);
  }

  static Compilation compile(JavaFileObject... sources) {
    return compiler().compile(sources);
  }

  /** A source whose line numbers the test can read off: line 1 is the first string. */
  static JavaFileObject source(String qualifiedName, String... lines) {
    return JavaFileObjects.forSourceLines(qualifiedName, lines);
  }

  /** The expected companion, kept as a file under {@code golden/}. */
  static JavaFileObject golden(String path) {
    return JavaFileObjects.forResource("golden/" + path);
  }
}
