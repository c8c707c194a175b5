package org.violence.lakehouse.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.SparkSession;
import org.violence.lakehouse.analyst.RouteMapCommand;
import org.violence.lakehouse.analyst.AnalystCommands;
import org.violence.lakehouse.analyst.Report;
import org.violence.lakehouse.conf.ConfigException;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.conf.UsageException;
import org.violence.lakehouse.io.InputException;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.SparkSessions;
import org.violence.lakehouse.model.ModelBenchmark;
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
  private static final long DEFAULT_ROWS = 15_000_000L;

  static final String HELP = """
      violence-lakehouse: INEGI, CONAPO and CONEVAL exports to a Delta lakehouse
      (bronze -> silver -> gold municipality-year panel) and the configured models.

      Usage: <launcher> [command] [options]
        locally:    mvn -q compile exec:exec -Dlakehouse.args="run --years 2000-2015"
        on Spark:   spark-submit --class org.violence.lakehouse.cli.Main \\
                      jobs/target/violence-lakehouse.jar run --config conf/lakehouse.yaml

      Commands:
        run           bring every table up to date with the raw files, the configuration and
                      the code, and fit the models (default). Only what depends on a change is
                      rebuilt (a new year of one source rewrites that year); with no change it
                      writes nothing and says so. Safe to kill at any moment and to rerun.
        nightly       the same, for schedulers: one run at a time per lakehouse, logged in
                      ops.run_log / ops.run_tables, quality results in ops.quality_checks
        benchmark-models
                      time the configured panel Poisson FE model against R fixest's fepois
                      on the same rows (needs a built lakehouse; installs R and fixest
                      offline with jobs/r/install.sh first)
        routes        recompute the trafficking network, routes, exposure and scenarios from
                      the bronze and silver tables of an earlier run (the gold panel keeps
                      the exposure of that run until the next `run`), and print how long
                      each step took: the benchmark of the route model
        route-map     draw the baseline routes of an earlier run over the municipal map
                      as a PNG (--out FILE, default route-map.png)
        sql           SQL over the tables, named layer.table (silver.homicides): one
                      --query "SELECT ...", a --file of statements, or an interactive prompt;
                      --format table (default), csv or json. Delta time travel works:
                      SELECT * FROM gold.model_runs VERSION AS OF 0
        serve         the JDBC/ODBC endpoint (Spark Thrift Server, HiveServer2 protocol) over
                      the same tables for beeline, DBeaver, Tableau: --port (10000), --bind
                      (127.0.0.1; see the README before opening it further)
        notebook      execute a notebook of notebooks/ (--file, default: all of them) and
                      render it as HTML with its result tables and charts (--out FILE or
                      folder, default <lakehouse>/reports/notebooks/)
        report        the HTML report with figures and maps, and the data dictionary
                      (--out FOLDER, default <lakehouse>/reports/); nightly ends with it
        generate-death-records
                      write synthetic national death-certificate files (INEGI's layout,
                      1990-2015 or --years) into --out DIR, --rows N in all (default
                      15,000,000), --seed N (default 1); homicides equal INEGI's counts per
                      municipality and year of the lakehouse of an earlier run
        benchmark-microdata
                      time the microdata pipeline on synthetic files of --rows N (cold ingest,
                      nightly run with one new year) against DuckDB on the same files (with
                      -Pbenchmark); files and a scratch lakehouse go to --out DIR
        benchmark-certificate-model
                      the distributed estimator at scale: a logit of "homicide" on sex and
                      age group with municipality and year effects over synthetic
                      certificates of --rows N (files and lakehouse under --out DIR)
        help          print this text (also --help, -h)

      Options (each overrides the config file):
        --config FILE     YAML configuration (default conf/lakehouse.yaml)
        --lakehouse DIR   where the Delta tables are written (config key lakehouse);
                          any Hadoop path: a folder, hdfs://..., s3a://...
        --inputs DIR      folder holding the raw files (config key inputs)
        --years A-B       first and last year of the panel (config key years); yearly
                          files outside it are not read
        --master URL      Spark master when not launched by spark-submit (spark.master)
        --out FILE        where route-map writes its PNG (notebook, report: see above)
        --query, --file, --format, --port, --bind
                          options of sql, serve and notebook (see above)
        --profile         (run, nightly) after the summary, each stage's wall time, Spark
                          jobs and Delta commits: where a run's time goes
        --rows N          synthetic death certificates to write (generate-death-records,
                          benchmark-microdata, benchmark-certificate-model)
        --seed N          seed of the synthetic files

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

  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  static int execute(String[] args) {
    try {
      Invocation invocation = Invocation.parse(args);
      if (invocation.help()) {
        System.out.print(HELP);
        return OK;
      }
      LakehouseConfig config = invocation.applyTo(ConfigLoader.load(invocation.configFile()));
      if (invocation.command() == Command.BENCHMARK_MODELS) {
        ModelBenchmark.run(lakehouseOf(config), config, System.out);
        return OK;
      }
      if (invocation.command() == Command.ROUTES) {
        RouteBenchmark.run(lakehouseOf(config), config.trafficking(), System.out);
        return OK;
      }
      if (invocation.command() == Command.ROUTE_MAP) {
        RouteMapCommand.run(lakehouseOf(config), config, new java.io.File(
            invocation.outOr("route-map.png")));
        return OK;
      }
      if (invocation.command() == Command.SQL) {
        return AnalystCommands.sql(config, invocation.commandOptions()) ? OK
            : BAD_USAGE_OR_CONFIG;
      }
      if (invocation.command() == Command.SERVE) {
        AnalystCommands.serve(config, invocation.commandOptions());
        return OK;
      }
      if (invocation.command() == Command.NOTEBOOK) {
        AnalystCommands.notebook(config, invocation.commandOptions(), invocation.out());
        return OK;
      }
      if (invocation.command() == Command.REPORT) {
        AnalystCommands.report(config, invocation.out());
        return OK;
      }
      if (invocation.command() == Command.GENERATE_DEATH_RECORDS) {
        MicrodataBenchmark.generate(lakehouseOf(config), Path.of(invocation.outOr(
            "synthetic-death-records")), invocation.number("rows", DEFAULT_ROWS),
            invocation.number("seed", 1), invocation.years() == null ? new LakehouseConfig.YearRange(1990, 2015)
                : invocation.years(), System.out);
        return OK;
      }
      if (invocation.command() == Command.BENCHMARK_MICRODATA) {
        MicrodataBenchmark.run(lakehouseOf(config), Path.of(invocation.outOr(
            "synthetic-death-records")), invocation.number("rows", DEFAULT_ROWS),
            invocation.number("seed", 1), System.out);
        return OK;
      }
      if (invocation.command() == Command.BENCHMARK_CERTIFICATE_MODEL) {
        MicrodataBenchmark.certificateModel(lakehouseOf(config), Path.of(invocation.outOr(
            "synthetic-death-records")), invocation.number("rows", DEFAULT_ROWS),
            invocation.number("seed", 1), System.out);
        return OK;
      }
      return build(invocation.command(), config, invocation.profile());
    } catch (ConfigException | UsageException e) {
      System.err.println("error: " + e.getMessage());
      return BAD_USAGE_OR_CONFIG;
    } catch (Exception e) {
      return failure(e).exitCode();
    }
  }

  /** The lakehouse of an earlier run, for the commands that read it. */
  private static Lakehouse lakehouseOf(LakehouseConfig config) {
    return new Lakehouse(SparkSessions.create(config.spark()), config.lakehouse());
  }

  /** One locked, logged run of the pipeline. */
  private static int build(Command command, LakehouseConfig config, boolean profile) {
    SparkSession spark = SparkSessions.create(config.spark());
    Lakehouse lakehouse = new Lakehouse(spark, config.lakehouse());
    Instant start = Instant.now();
    String runId = Pipeline.newRunId(start);
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
      Pipeline pipeline = new Pipeline(spark, config, runId, System.out,
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
            System.out);
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
    if (e instanceof QualityGate.QualityGateException) {
      System.err.println("quality gate: " + e.getMessage());
      return new RunLog.Ending("QUALITY_GATE_FAILED", QUALITY_GATE_FAILED, e.getMessage());
    }
    e.printStackTrace();
    System.err.println("internal failure: " + e);
    return new RunLog.Ending("FAILED", INTERNAL_FAILURE, String.valueOf(e));
  }

  /** What the command line asks for; the name is the one logged in ops.run_log. */
  enum Command {
    RUN("run"), NIGHTLY("nightly"), BENCHMARK_MODELS("benchmark-models"), ROUTES("routes"),
    ROUTE_MAP("route-map"), SQL("sql", "--query", "--file", "--format"),
    SERVE("serve", "--port", "--bind"), NOTEBOOK("notebook", "--file"), REPORT("report"),
    GENERATE_DEATH_RECORDS("generate-death-records", "--rows", "--seed"),
    BENCHMARK_MICRODATA("benchmark-microdata", "--rows", "--seed"),
    BENCHMARK_CERTIFICATE_MODEL("benchmark-certificate-model", "--rows", "--seed");

    final String name;
    /** Options of this command alone, passed to it without their dashes. */
    final List<String> options;

    Command(String name, String... options) {
      this.name = name;
      this.options = List.of(options);
    }
  }

  /** The parsed command line. */
  record Invocation(Command command, boolean help, boolean profile, Path configFile, String lakehouse,
      String inputs, LakehouseConfig.YearRange years, String master, String out,
      java.util.Map<String, String> commandOptions) {

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
      boolean profile = false;
      Command command = Command.RUN;
      if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
        String name = rest.remove(0);
        switch (name) {
          case "run" -> { }
          case "nightly" -> command = Command.NIGHTLY;
          case "benchmark-models" -> command = Command.BENCHMARK_MODELS;
          case "routes" -> command = Command.ROUTES;
          case "route-map" -> command = Command.ROUTE_MAP;
          case "sql" -> command = Command.SQL;
          case "serve" -> command = Command.SERVE;
          case "notebook" -> command = Command.NOTEBOOK;
          case "report" -> command = Command.REPORT;
          case "generate-death-records" -> command = Command.GENERATE_DEATH_RECORDS;
          case "benchmark-microdata" -> command = Command.BENCHMARK_MICRODATA;
          case "benchmark-certificate-model" -> command = Command.BENCHMARK_CERTIFICATE_MODEL;
          case "help" -> help = true;
          default -> throw new UsageException("unknown command '" + name + "'");
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
        if (option.equals("--profile")) {
          if (command != Command.RUN && command != Command.NIGHTLY) {
            throw new UsageException("--profile is an option of run and nightly");
          }
          profile = true;
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
            if (!command.options.contains(option)) {
              throw new UsageException("unknown option '" + option + "'");
            }
            commandOptions.put(option.substring(2), value);
          }
        }
      }
      return new Invocation(command, help, profile, config, lakehouse, inputs, years, master,
          out, commandOptions);
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
