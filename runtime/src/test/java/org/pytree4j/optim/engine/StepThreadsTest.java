package org.pytree4j.optim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Parts handed to polling workers: each runs once, failures and interrupts come back to the caller. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StepThreadsTest {
  private static final StepThreads THREADS = new StepThreads(Runtime.getRuntime().availableProcessors());


  private static String[] threadsOfParts(int parts) {
    AtomicReferenceArray<String> names = new AtomicReferenceArray<>(parts);
    THREADS.run(parts, part -> names.set(part, Thread.currentThread().getName()));
    String[] out = new String[parts];
    for (int i = 0; i < parts; i++) {
      out[i] = names.get(i);
    }
    return out;
  }

  @Test
  void theFirstPartRunsOnTheCallerAndTheOthersOnWorkers() {
    assumeTrue(THREADS.count > 1, "one core: every part runs on the caller");
    String[] names = threadsOfParts(2);
    assertEquals(Thread.currentThread().getName(), names[0]);
    assertEquals("pytree4j-optimizer", names[1]);
  }

  @Test
  void aWorkerThatFellAsleepIsWokenForTheNextPart() throws InterruptedException {
    assumeTrue(THREADS.count > 1, "one core: every part runs on the caller");
    threadsOfParts(2);
    // well past the time a worker polls before it sleeps
    Thread.sleep(20 + StepThreads.SPIN_MICROS / 1000);
    assertEquals("pytree4j-optimizer", threadsOfParts(2)[1]);
  }

  @Test
  void partsBeyondTheWorkersRunOnTheCaller() {
    int parts = THREADS.count + 2;
    String[] names = threadsOfParts(parts);
    for (int i = THREADS.count; i < parts; i++) {
      assertEquals(Thread.currentThread().getName(), names[i], "part " + i);
    }
  }

  @Test
  void aFailureOnAWorkerIsRethrownOnceEveryPartHasRun() {
    AtomicIntegerArray ran = new AtomicIntegerArray(3);
    IllegalArgumentException thrown = new IllegalArgumentException("part 1");
    RuntimeException caught = assertThrows(RuntimeException.class, () -> THREADS.run(3, part -> {
      if (part == 0) {
        sleep(30);
      }
      ran.incrementAndGet(part);
      if (part == 1) {
        throw thrown;
      }
    }));
    assertSame(thrown, caught);
    for (int i = 0; i < 3; i++) {
      assertEquals(1, ran.get(i), "part " + i);
    }
  }

  @Test
  void anErrorIsRethrownAsItIs() {
    AssertionError error = new AssertionError("part 1");
    assertSame(error, assertThrows(AssertionError.class, () -> THREADS.run(2, part -> {
      if (part == 1) {
        throw error;
      }
    })));
  }

  @Test
  void aCallerInterruptedMeanwhileStillWaitsForItsPartsAndKeepsTheInterrupt() {
    assumeTrue(THREADS.count > 1, "one core: every part runs on the caller");
    AtomicIntegerArray done = new AtomicIntegerArray(2);
    Thread caller = Thread.currentThread();
    try {
      THREADS.run(2, part -> {
        if (part == 0) {
          caller.interrupt();
        } else {
          sleep(50);
        }
        done.set(part, 1);
      });
      assertEquals(1, done.get(1), "returned before the worker's part was done");
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aCallFromWithinAPartRunsItsPartsWithoutWaitingForItself() {
    AtomicIntegerArray inner = new AtomicIntegerArray(4);
    THREADS.run(2, outer -> THREADS.run(2, part -> inner.incrementAndGet(2 * outer + part)));
    for (int i = 0; i < 4; i++) {
      assertEquals(1, inner.get(i), "inner part " + i);
    }
  }

  @Test
  void concurrentCallersEachRunEveryPartOnce() throws InterruptedException {
    int callers = 4;
    int calls = 300;
    int parts = Math.max(2, THREADS.count);
    AtomicIntegerArray ran = new AtomicIntegerArray(callers * calls * parts);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      int caller = c;
      threads.add(new Thread(() -> {
        for (int call = 0; call < calls; call++) {
          int base = (caller * calls + call) * parts;
          THREADS.run(parts, part -> ran.incrementAndGet(base + part));
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    for (int i = 0; i < ran.length(); i++) {
      assertEquals(1, ran.get(i), "caller " + i / (calls * parts) + ", part " + i % parts);
    }
  }

  @Test
  void sharedPiecesAreEachTakenOnce() {
    int pieces = 1000;
    AtomicIntegerArray taken = new AtomicIntegerArray(pieces);
    THREADS.share(THREADS.count, pieces, () -> taken::incrementAndGet);
    for (int i = 0; i < pieces; i++) {
      assertEquals(1, taken.get(i), "piece " + i);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
