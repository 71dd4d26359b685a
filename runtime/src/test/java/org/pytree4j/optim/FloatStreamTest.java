package org.pytree4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** Blocks copied across pieces of several buffers, and adjacent pieces merged. */
class FloatStreamTest {

  private static FloatBuffer counting(int n, float from) {
    FloatBuffer b = FloatBuffer.allocate(n);
    for (int i = 0; i < n; i++) {
      b.put(i, from + i);
    }
    return b;
  }

  @Test
  void readsAndWritesAcrossPieces() {
    FloatBuffer a = counting(10, 0);
    FloatBuffer b = counting(5, 100);
    FloatStream s = new FloatStream();
    s.append(a, 2, 3);   // 2, 3, 4
    s.append(b, 0, 5);   // 100..104
    s.append(a, 7, 2);   // 7, 8
    assertEquals(10, s.length());
    float[] out = new float[7];
    s.read(1, out, 7);
    assertArrayEquals(new float[] {3, 4, 100, 101, 102, 103, 104}, out);
    s.write(6, new float[] {-1, -2, -3, -4}, 4);   // elements 6..9: b[3], b[4], a[7], a[8]
    assertEquals(-1f, b.get(3));
    assertEquals(-2f, b.get(4));
    assertEquals(-3f, a.get(7));
    assertEquals(-4f, a.get(8));
    assertEquals(102f, b.get(2));
    assertEquals(6f, a.get(6));
  }

  @Test
  void adjacentPiecesOfOneBufferMerge() {
    FloatBuffer a = counting(10, 0);
    FloatStream s = new FloatStream();
    s.append(a, 0, 4);
    s.append(a, 4, 6);
    float[] out = new float[10];
    s.read(0, out, 10);
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, out);
  }
}
