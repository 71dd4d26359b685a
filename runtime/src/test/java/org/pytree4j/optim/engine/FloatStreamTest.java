package org.pytree4j.optim.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Blocks copied across pieces of several native buffers, adjacent pieces merged, bounds checked. */
class FloatStreamTest {

  private static INDArray counting(int n, float from) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = from + i;
    }
    return Nd4j.createFromArray(values);
  }

  private static long at(INDArray a, int element) {
    return a.data().address() + 4L * element;
  }

  @Test
  void readsAndWritesAcrossPieces() {
    INDArray a = counting(10, 0);
    INDArray b = counting(5, 100);
    FloatStream s = new FloatStream();
    s.append(at(a, 2), 3);   // 2, 3, 4
    s.append(at(b, 0), 5);   // 100..104
    s.append(at(a, 7), 2);   // 7, 8
    assertEquals(10, s.length());
    float[] out = new float[7];
    s.read(1, out, 7);
    assertArrayEquals(new float[] {3, 4, 100, 101, 102, 103, 104}, out);
    s.write(6, new float[] {-1, -2, -3, -4}, 4);   // elements 6..9: b[3], b[4], a[7], a[8]
    assertEquals(-1f, b.getFloat(3));
    assertEquals(-2f, b.getFloat(4));
    assertEquals(-3f, a.getFloat(7));
    assertEquals(-4f, a.getFloat(8));
    assertEquals(102f, b.getFloat(2));
    assertEquals(6f, a.getFloat(6));
  }

  @Test
  void aCursorMovesBackwardsAndForwards() {
    INDArray a = counting(4, 0);
    INDArray b = counting(4, 10);
    INDArray c = counting(4, 20);
    FloatStream s = new FloatStream();
    s.append(at(a, 0), 4);
    s.append(at(b, 0), 4);
    s.append(at(c, 0), 4);
    FloatStream.Cursor cursor = s.cursor();
    float[] one = new float[1];
    int[] order = {11, 0, 5, 6, 3, 9, 8, 4, 1};
    for (int i : order) {
      cursor.read(i, one, 1);
      assertEquals((i / 4) * 10 + i % 4, one[0], "element " + i);
    }
  }

  @Test
  void adjacentPiecesOfOneBufferMerge() {
    INDArray a = counting(10, 0);
    FloatStream s = new FloatStream();
    s.append(at(a, 0), 4);
    s.append(at(a, 4), 6);
    float[] out = new float[10];
    s.read(0, out, 10);
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, out);
  }

  @Test
  void readingPastTheEndIsRefused() {
    INDArray a = counting(10, 0);
    FloatStream s = FloatStream.whole(at(a, 0), 10);
    assertThrows(IndexOutOfBoundsException.class, () -> s.read(8, new float[4], 4));
    assertThrows(IndexOutOfBoundsException.class, () -> s.write(-1, new float[2], 2));
    assertThrows(IndexOutOfBoundsException.class, () -> s.read(0, new float[2], 3));
  }
}
