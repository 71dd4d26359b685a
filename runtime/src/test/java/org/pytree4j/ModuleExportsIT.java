package org.pytree4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The runtime jar's module descriptor exports every package but the optimizer's engine and kernels,
 * which are internal (their public face is {@code StepEngine}).
 */
class ModuleExportsIT {
  private static final Set<String> INTERNAL = Set.of("org.pytree4j.optim.engine", "org.pytree4j.optim.kernels");

  @Test
  void theJarExportsThePublicPackagesOnly() throws Exception {
    Path jar = Path.of(PyTrees.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(jar.toString().endsWith(".jar"), "the integration tests run on the packaged jar, not " + jar);
    ModuleReference module = ModuleFinder.of(jar).findAll().iterator().next();
    ModuleDescriptor descriptor = module.descriptor();
    assertEquals("org.pytree4j.runtime", descriptor.name());
    assertTrue(!descriptor.isAutomatic(), "the jar has a module descriptor of its own");
    Set<String> packages = new TreeSet<>(descriptor.packages());
    assertTrue(packages.containsAll(INTERNAL), "the descriptor knows the internal packages: " + packages);
    Set<String> exported = descriptor.exports().stream()
        .peek(e -> assertTrue(!e.isQualified(), e + " is exported to everyone or not at all"))
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> expected = new TreeSet<>(packages);
    expected.removeAll(INTERNAL);
    assertEquals(expected, exported, "every package but the engine and the kernels is exported");
  }
}
