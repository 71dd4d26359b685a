package org.pytree4j.grad;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * SameDiff 1.0.0-M2.1 prints {@code Added differentiated op <name>} to {@code System.out} for every
 * op it differentiates, unconditionally (no logger, no flag). While the gradient graph is built
 * (once per {@link Grad#valueAndGrad}), those lines are dropped; every other line passes through.
 */
final class QuietSameDiff {
  private static final String NOISE = "Added differentiated op ";

  private QuietSameDiff() {}

  static synchronized void run(Runnable action) {
    PrintStream original = System.out;
    System.setOut(new PrintStream(new LineFilter(original), true, Charset.defaultCharset()));
    try {
      action.run();
    } finally {
      System.out.flush();
      System.setOut(original);
    }
  }

  /** Forwards whole lines, byte for byte, to {@code target} unless they are SameDiff's per-op notice. */
  private static final class LineFilter extends OutputStream {
    private static final byte[] PREFIX = NOISE.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final PrintStream target;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    LineFilter(PrintStream target) {
      this.target = target;
    }

    @Override
    public void write(int b) {
      line.write(b);
      if (b == '\n') {
        emit();
      }
    }

    @Override
    public void flush() {
      emit();
      target.flush();
    }

    private void emit() {
      byte[] bytes = line.toByteArray();
      line.reset();
      if (!java.util.Arrays.equals(bytes, 0, Math.min(bytes.length, PREFIX.length), PREFIX, 0, PREFIX.length)) {
        target.write(bytes, 0, bytes.length);
      }
    }
  }
}
