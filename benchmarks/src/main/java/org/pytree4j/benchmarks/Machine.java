package org.pytree4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the benchmarks ran: CPU, cores, JVM, the load average, and the CPU time counters of
 * {@code /proc/stat} (all and stolen by the hypervisor, in ticks; -1 when unknown), read at
 * {@code nanoTime}.
 */
record Machine(String cpu, int cores, String jvm, String load, long cpuTicks, long stolenTicks, long nanoTime) {
  static Machine now() {
    long[] ticks = readCpuTicks();
    return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        read("/proc/loadavg"), ticks[0], ticks[1], System.nanoTime());
  }

  /** Minutes from {@code this} to {@code later}. */
  double minutesUntil(Machine later) {
    return (later.nanoTime - nanoTime) / 60e9;
  }

  /** The share of CPU time the hypervisor took for other guests between {@code this} and {@code later}, or -1. */
  double stolenShareUntil(Machine later) {
    long all = later.cpuTicks - cpuTicks;
    if (cpuTicks < 0 || later.cpuTicks < 0 || all <= 0) {
      return -1;
    }
    return (double) (later.stolenTicks - stolenTicks) / all;
  }

  /** {all, steal} from the first line of /proc/stat: user nice system idle iowait irq softirq steal ... */
  private static long[] readCpuTicks() {
    String[] f = read("/proc/stat").split("\\R", 2)[0].trim().split("\\s+");
    if (f.length < 9 || !f[0].equals("cpu")) {
      return new long[] {-1, -1};
    }
    long all = 0;
    for (int i = 1; i <= 8; i++) {
      all += Long.parseLong(f[i]);
    }
    return new long[] {all, Long.parseLong(f[8])};
  }

  private static String cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String line : lines) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file)).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
