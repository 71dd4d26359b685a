package org.pytree4j.checkpoint;

import java.nio.file.Path;

/**
 * Child process of the crash and concurrency tests: saves {@link CrashState}s of increasing steps to
 * a directory until killed or until it has made {@code maxSaves} attempts. Prints {@code ready}
 * once started, then {@code saved <step>} or {@code locked <step>} / {@code refused <step>} per attempt.
 *
 * <p>Arguments: directory, number of values, keep, maxSaves (0 = forever), first step (-1 = after
 * the latest), step increment, and optionally {@code async}: saves with
 * {@code enableAsyncCheckpointing(true)}, printing {@code saved <step>} when {@code save} returns
 * (the write then runs in the background) and passing the step as a metric.
 */
public final class SaveLoopMain {
  private SaveLoopMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int size = Integer.parseInt(args[1]);
    boolean async = args.length > 6 && args[6].equals("async");
    CheckpointManager manager = Checkpoints.manager(dir).keep(Integer.parseInt(args[2])).enableAsyncCheckpointing(async);
    long maxSaves = Long.parseLong(args[3]);
    long step = Long.parseLong(args[4]);
    long increment = Long.parseLong(args[5]);
    if (step < 0) {
      step = manager.latestStep().orElse(0) + 1;
    }
    System.out.println("ready");
    System.out.flush();
    for (long n = 0; maxSaves == 0 || n < maxSaves; n++, step += increment) {
      try {
        manager.save(CrashState.of(step, size), step, java.util.Map.of("step", (double) step));
        System.out.println("saved " + step);
      } catch (CheckpointLockedException e) {
        System.out.println("locked " + step);
      } catch (IllegalArgumentException e) {
        System.out.println("refused " + step); // another saver got a later step in first
      }
      System.out.flush();
    }
    manager.close();
  }
}
