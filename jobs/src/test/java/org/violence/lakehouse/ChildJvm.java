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

  /**
   * Spark settings for such a cold JVM running a small run: no generated code. Spark compiles a
   * class with Janino for each fused stage (whole-stage code generation) and for each
   * projection, predicate and ordering outside them (in exchanges, sorts, writers, Delta's log
   * replays); a cold JVM then loads each class and compiles it again in its JIT, to run it over
   * a few thousand rows. Interpreted, the values are the same. The cluster's run took ~17% less
   * time with interpreted expressions, and ~17% less again with fused stages off too; the kill
   * test's class ~11% less, class alone (jobs/BENCHMARKS.md). Not the product's default: over
   * the full run's rows the compiled classes pay for themselves.
   */
  public static final List<String> NO_GENERATED_CODE = List.of(
      "spark.sql.codegen.factoryMode=NO_CODEGEN", "spark.sql.codegen.wholeStage=false");

  /**
   * The flags of a cold JVM that runs briefly against a small lakehouse (a killed run, the
   * Thrift endpoint's server): {@link #C1_ONLY}, and {@link #NO_GENERATED_CODE} as system
   * properties, which a session built in that JVM reads.
   */
  public static List<String> briefColdRun() {
    List<String> flags = new ArrayList<>(List.of(C1_ONLY));
    NO_GENERATED_CODE.forEach(setting -> flags.add("-D" + setting));
    return flags;
  }

  /**
   * A flag that chooses or tunes this JVM's collector: a child has a collector of its own (a JVM
   * takes one only), and a heap a few times smaller.
   */
  private static final Pattern COLLECTOR = Pattern.compile(
      "-XX:(\\+Use\\w+GC|MaxTenuringThreshold=\\d+)");

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
