package org.violence.lakehouse.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.SparkSession;
import org.violence.lakehouse.analyst.AnalystCommands;
import org.violence.lakehouse.analyst.Report;
import org.violence.lakehouse.conf.ConfigException;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.conf.UsageException;
import org.violence.lakehouse.io.InputException;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.SparkSessions;
import org.violence.lakehouse.quality.QualityGate;
import org.violence.lakehouse.run.RunLock;
import org.violence.lakehouse.run.RunLog;

/**
 * Command line: {@code run} builds the lakehouse; options override the YAML configuration. The
 * terminal gets one clear line per failure; the exit code tells the cause.
 */
public final class Main {
  static final int OK = 0;
  static final int INTERNAL_FAILURE = 1;
  static final int BAD_USAGE_OR_CONFIG = 2;
  static final int BAD_INPUT = 3;
  static final int QUALITY_GATE_FAILED = 4;
  static final int ANOTHER_RUN_IN_PROGRESS = 5;
  static final int LAKEHOUSE_UNUSABLE = 6;
  /** A lock whose owner stopped refreshing it for this long is taken over. */
  private static final Duration STALE_LOCK = Duration.ofMinutes(5);
  /** The default national size: about Mexico's deaths 1990-2015. */
  static final long DEFAULT_ROWS = 15_000_000L;

  private static final String USAGE = """
      violence-lakehouse: INEGI, CONAPO and CONEVAL exports to a Delta lakehouse
      (bronze -> silver -> gold municipality-year panel) and the configured models.

      Usage: <launcher> [command] [options]
        locally:    jobs/bin/lakehouse run --years 2000-2015   (built by mvn -q package)
                    mvn -q compile exec:exec -Dlakehouse.args="run --years 2000-2015"
        on Spark:   spark-submit --class org.violence.lakehouse.cli.Main \\
                      jobs/target/violence-lakehouse.jar run --config conf/lakehouse.yaml

      """;

  private static final String GENERAL_OPTIONS = """

      Options (each overrides the config file):
        --config FILE     YAML configuration (default conf/lakehouse.yaml)
        --lakehouse DIR   where the Delta tables are written (config key lakehouse);
                          any Hadoop path: a folder, hdfs://..., s3a://...
        --inputs DIR      folder holding the raw files (config key inputs)
        --years A-B       first and last year of the panel (config key years); yearly
                          files outside it are not read
        --master URL      Spark master when not launched by spark-submit (spark.master)
        --out FILE        where route-map writes its PNG (notebook, report: see above)
      """;

  private static final String EXIT_CODES = """

      Exit codes:
        0  success
        1  internal failure (a bug or an environment problem; see the log)
        2  bad command line or configuration (the message names the key)
        3  bad input: a missing, truncated or mis-encoded file (the message names file
           and line); rows that are merely unreadable go to bronze.quarantine instead
        4  a quality gate failed (ops.quality_checks): the failing table and everything
           after it were not written and stay at their last good version
        5  another run is working on the same lakehouse (a lock left by a killed run is
           recovered automatically)
        6  the lakehouse cannot be used: its path is a file, or its run lock holds something
           no run wrote (the message says what to do)
      """;

  /** The --help text; the commands and their own options come from {@link Command}. */
  static final String HELP = USAGE + Command.help() + GENERAL_OPTIONS + EXIT_CODES;

  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /**
   * The command, returning its exit code instead of ending the JVM: for callers that run it
   * in a JVM of their own (the tests).
   */
  public static int execute(String[] args) {
    try {
      Invocation invocation = Invocation.parse(args);
      if (invocation.help()) {
        System.out.print(HELP);
        return OK;
      }
      LakehouseConfig config = invocation.applyTo(ConfigLoader.load(invocation.configFile()));
      return invocation.command().action.run(invocation, config);
    } catch (ConfigException | UsageException e) {
      System.err.println("error: " + e.getMessage());
      return BAD_USAGE_OR_CONFIG;
    } catch (Exception e) {
      return failure(e).exitCode();
    }
  }

  /** The lakehouse of an earlier run, for the commands that read it. */
  static Lakehouse lakehouseOf(LakehouseConfig config) {
    return new Lakehouse(SparkSessions.create(config.spark()), config.lakehouse());
  }

  /** One locked, logged run of the pipeline. */
  static int build(Command command, LakehouseConfig config, boolean profile) {
    SparkSession spark = SparkSessions.create(config.spark());
    Lakehouse lakehouse = new Lakehouse(spark, config.lakehouse());
    Instant start = Instant.now();
    String runId = RunLog.newRunId(start);
    try (RunLock lock = RunLock.acquire(spark.sparkContext().hadoopConfiguration(),
        lakehouse.root(), runId, STALE_LOCK)) {
      RunLog log = new RunLog(lakehouse, runId, command.name, start);
      lock.recoveredFrom().ifPresent(dead -> {
        System.out.println("Recovered the lock of run " + dead + ", which ended without "
            + "releasing it; this run completes its work.");
        log.abandoned(dead);
      });
      // The start is logged beside the input scan and the up-to-date checks: a run that
      // writes nothing does not wait for it, one that writes waits before its first write.
      CompletableFuture<Void> logged = CompletableFuture.runAsync(log::started);
      Pipeline pipeline = new Pipeline(lakehouse, config, runId, System.out,
          () -> awaitLogged(logged));
      Pipeline.Outcome outcome = null;
      RunLog.Ending ending;
      try {
        outcome = pipeline.run();
        // Before the run is logged as done: a report that cannot be drawn fails the run. A run
        // that changed nothing keeps the report it would redraw identically.
        if (command == Command.NIGHTLY
            && (outcome.changedAnything() || !Report.isWritten(lakehouse))) {
          AnalystCommands.report(lakehouse, config, null);
        }
        ending = new RunLog.Ending(outcome.changedAnything() ? "SUCCEEDED" : "UP_TO_DATE", OK,
            null);
      } catch (Exception e) {
        ending = failure(e);
      }
      awaitLogged(logged);
      // Once per run: the log's rows are appended, not merged.
      log.finished(ending, outcome == null ? pipeline.tablesSoFar() : outcome.tables());
      if (outcome != null) {
        Pipeline.printSummary(outcome, lakehouse, System.out);
      }
      if (profile) {
        pipeline.profile().print(Duration.between(start, Instant.now()).toMillis() / 1e3,
            lakehouse.commitsMade(), System.out);
      }
      return ending.exitCode();
    } catch (RunLock.RunInProgressException e) {
      System.err.println("refused: " + e.getMessage());
      return ANOTHER_RUN_IN_PROGRESS;
    } catch (RunLock.LakehouseUnusableException e) {
      System.err.println("refused: " + e.getMessage());
      return LAKEHOUSE_UNUSABLE;
    }
  }

  private static void awaitLogged(CompletableFuture<Void> logged) {
    try {
      logged.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  /** One clear line on the terminal (a stack trace only for bugs) and the run's ending. */
  private static RunLog.Ending failure(Exception e) {
    if (e instanceof InputException) {
      System.err.println("bad input: " + e.getMessage());
      return new RunLog.Ending("BAD_INPUT", BAD_INPUT, e.getMessage());
    }
    if (e instanceof ConfigException) {
      // A setting only a stage can check (the decrees file is read when the dimension is built).
      System.err.println("error: " + e.getMessage());
      return new RunLog.Ending("BAD_CONFIG", BAD_USAGE_OR_CONFIG, e.getMessage());
    }
    if (e instanceof QualityGate.QualityGateException) {
      System.err.println("quality gate: " + e.getMessage());
      return new RunLog.Ending("QUALITY_GATE_FAILED", QUALITY_GATE_FAILED, e.getMessage());
    }
    e.printStackTrace();
    System.err.println("internal failure: " + e);
    return new RunLog.Ending("FAILED", INTERNAL_FAILURE, String.valueOf(e));
  }

  /** The parsed command line. */
  record Invocation(Command command, boolean help, Path configFile, String lakehouse,
      String inputs, LakehouseConfig.YearRange years, String master, String out,
      java.util.Map<String, String> commandOptions) {

    /** Whether a flag of the command ({@code profile} for --profile) was given. */
    boolean flag(String name) {
      return commandOptions.containsKey(name);
    }

    String outOr(String fallback) {
      return out == null ? fallback : out;
    }

    /** A whole-number option of the command ({@code rows} for --rows), or its default. */
    long number(String option, long fallback) {
      String value = commandOptions.get(option);
      try {
        return value == null ? fallback : Long.parseLong(value.replace("_", "").replace(",", ""));
      } catch (NumberFormatException e) {
        throw new UsageException("--" + option + " takes a whole number, not '" + value + "'");
      }
    }

    static Invocation parse(String[] args) {
      List<String> rest = new ArrayList<>(List.of(args));
      boolean help = false;
      Command command = Command.RUN;
      if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
        String name = rest.remove(0);
        if (name.equals("help")) {
          help = true;
        } else {
          command = Command.named(name);
        }
      }
      Path config = Path.of("conf/lakehouse.yaml");
      String lakehouse = null;
      String inputs = null;
      LakehouseConfig.YearRange years = null;
      String master = null;
      String out = null;
      java.util.Map<String, String> commandOptions = new java.util.HashMap<>();
      for (int i = 0; i < rest.size(); i++) {
        String option = rest.get(i);
        if (option.equals("--help") || option.equals("-h")) {
          help = true;
          continue;
        }
        java.util.Optional<Command.Option> own = command.option(option);
        if (own.isPresent() && own.get().isFlag()) {
          commandOptions.put(option.substring(2), "true");
          continue;
        }
        if (i + 1 >= rest.size()) {
          throw new UsageException("option " + option + " needs a value");
        }
        String value = rest.get(++i);
        switch (option) {
          case "--config" -> config = Path.of(value);
          case "--lakehouse" -> lakehouse = value;
          case "--inputs" -> inputs = value;
          case "--years" -> years = yearRange(value);
          case "--master" -> master = value;
          case "--out" -> out = value;
          default -> {
            if (own.isEmpty()) {
              throw new UsageException("unknown option '" + option + "' for " + command.name);
            }
            commandOptions.put(option.substring(2), value);
          }
        }
      }
      return new Invocation(command, help, config, lakehouse, inputs, years, master, out,
          commandOptions);
    }

    private static LakehouseConfig.YearRange yearRange(String value) {
      String[] parts = value.split("-");
      try {
        return new LakehouseConfig.YearRange(Integer.parseInt(parts[0].trim()),
            Integer.parseInt(parts[parts.length - 1].trim()));
      } catch (NumberFormatException e) {
        throw new UsageException("--years takes FIRST-LAST, e.g. 1990-2015, not '" + value + "'");
      }
    }

    LakehouseConfig applyTo(LakehouseConfig c) {
      return ConfigLoader.validate(new LakehouseConfig(
          lakehouse != null ? lakehouse : c.lakehouse(),
          inputs != null ? inputs : c.inputs(),
          years != null ? years : c.years(),
          master != null ? new LakehouseConfig.SparkSettings(master, c.spark().shufflePartitions())
              : c.spark(),
          c.sources(), c.geography(), c.covariateFill(), c.models(), c.trafficking()));
    }
  }
}
