package org.pytree4j.checkpoint;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Child process of the lock test: takes the directory's lock file as a saver in another process
 * does, prints {@code locked}, and holds it until its standard input closes.
 */
public final class LockHolderMain {
  private LockHolderMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    try (FileChannel channel = FileChannel.open(dir.resolve(DirectoryLock.FILE_NAME),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      System.out.println(lock == null ? "busy" : "locked");
      System.out.flush();
      System.in.read();
    }
  }
}
