package org.violence.lakehouse;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Starts another JVM with the Java 17 module and JIT flags and the temporary folder this test JVM
 * was given (the pom's).
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * C2 off, for a cold JVM that runs briefly and exits (a killed run, a cluster's executor): its
   * compiles cost such a JVM more than they gave back (jobs/BENCHMARKS.md).
   */
  public static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

  /** A flag that chooses the collector: a JVM takes one only. */
  private static final Pattern COLLECTOR = Pattern.compile("-XX:\\+Use\\w+GC");

  /** The JVM's command, with {@code extraFlags} after this JVM's own (see {@link #jvmFlags}). */
  public static ProcessBuilder builder(String classpath, Map<String, String> environment,
      List<String> extraFlags, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    command.addAll(jvmFlags());
    command.addAll(extraFlags);
    command.addAll(List.of("-cp", classpath, mainClass));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(LakehouseTestBase.projectDir().toFile()).redirectErrorStream(true);
    builder.environment().putAll(environment);
    return builder;
  }

  /** Runs a process whose output goes to {@code log}. */
  public static Process start(Path log, String classpath, Map<String, String> environment,
      String mainClass, String... args) throws IOException {
    return builder(classpath, environment, List.of(), mainClass, List.of(args))
        .redirectOutput(log.toFile()).start();
  }

  /**
   * This JVM's module, JIT and temporary-folder flags, and the serial collector instead of this
   * JVM's: a child holds one small run in a heap of 1 GB or so, where G1's concurrent threads
   * only took CPU (~7% of a kill-chain run's) from the suite's other work on two cores.
   */
  public static List<String> jvmFlags() {
    List<String> flags = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments()
        .stream().filter(flag -> flag.startsWith("--add-opens")
            || flag.startsWith("-Djdk.reflect") || flag.startsWith("-XX:")
            || flag.startsWith("-Djava.io.tmpdir"))
        .filter(flag -> !COLLECTOR.matcher(flag).matches())
        .toList());
    flags.add("-XX:+UseSerialGC");
    return flags;
  }
}
