package org.pytree4j.optim.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed copy of the conformance cases (test resources) is byte-identical to
 * {@code ../shared/conformance/optax_cases.json} next to the repository, when that file exists (a
 * clone without it, e.g. on another machine, reads the committed copy only).
 */
class ConformanceCopyTest {

  @Test
  void committedCopyIsTheSharedFile() throws IOException {
    Path shared = sharedFile();
    assumeTrue(shared != null, "no ../shared/conformance/optax_cases.json beside the repository");
    byte[] committed;
    try (InputStream in = ConformanceCopyTest.class.getResourceAsStream(OptaxConformanceTest.RESOURCE)) {
      committed = in.readAllBytes();
    }
    byte[] source = Files.readAllBytes(Path.of("src/test/resources/conformance/optax_cases.json"));
    assertArrayEquals(Files.readAllBytes(shared), source,
        "runtime/src/test/resources/conformance/optax_cases.json differs from " + shared + "; copy it again");
    assertArrayEquals(source, committed, "the test resources on the classpath are stale");
  }

  /**
   * {@code <repository root>/../shared/...}: the root given by Maven ({@code pytree4j.conformance}),
   * the directory above this module, and for a git worktree also its main working tree's.
   */
  private static Path sharedFile() throws IOException {
    List<Path> candidates = new ArrayList<>();
    String configured = System.getProperty("pytree4j.conformance");
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    }
    Path root = Path.of("").toAbsolutePath().getParent();
    candidates.add(root.resolve("../shared/conformance/optax_cases.json"));
    Path dotGit = root.resolve(".git");
    if (Files.isRegularFile(dotGit)) {
      String gitdir = Files.readString(dotGit).trim();
      if (gitdir.startsWith("gitdir:")) {
        Path worktreeGitDir = Path.of(gitdir.substring("gitdir:".length()).trim());
        Path mainRoot = worktreeGitDir.getParent().getParent().getParent();
        candidates.add(mainRoot.resolve("../shared/conformance/optax_cases.json"));
      }
    }
    for (Path p : candidates) {
      if (Files.isRegularFile(p)) {
        return p.normalize();
      }
    }
    return null;
  }
}
