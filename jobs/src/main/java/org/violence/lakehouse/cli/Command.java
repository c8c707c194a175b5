package org.violence.lakehouse.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.violence.lakehouse.analyst.AnalystCommands;
import org.violence.lakehouse.analyst.RouteMapCommand;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.model.ModelBenchmark;

/**
 * The commands, each with its help, the options it alone takes and what it does: Main parses,
 * dispatches and prints {@code --help} from this one list, so a new command is one entry here.
 * The name is the one logged in ops.run_log.
 */
enum Command {
  RUN("run", "bring every table up to date with the raw files, the configuration and the code, "
      + "and fit the models (default). Only what depends on a change is rebuilt (a new year of "
      + "one source rewrites that year); with no change it writes nothing and says so. Safe to "
      + "kill at any moment and to rerun.",
      (invocation, config) -> Main.build(invocation.command(), config, invocation.flag("profile")),
      Option.PROFILE),
  NIGHTLY("nightly", "the same, for schedulers: one run at a time per lakehouse, logged in "
      + "ops.run_log / ops.run_tables, quality results in ops.quality_checks; it ends by "
      + "drawing the report when a table changed or the report is missing",
      (invocation, config) -> Main.build(invocation.command(), config, invocation.flag("profile")),
      Option.PROFILE),
  BENCHMARK_MODELS("benchmark-models", "time the configured panel Poisson FE model against R "
      + "fixest's fepois on the same rows (needs a built lakehouse; installs R and fixest "
      + "offline with jobs/r/install.sh first)",
      (invocation, config) -> done(() -> ModelBenchmark.run(Main.lakehouseOf(config), config,
          System.out))),
  ROUTES("routes", "recompute the trafficking network, routes, exposure and scenarios from the "
      + "bronze and silver tables of an earlier run (the gold panel keeps the exposure of that "
      + "run until the next `run`), and print how long each step took: the benchmark of the "
      + "route model",
      (invocation, config) -> done(() -> RouteBenchmark.run(Main.lakehouseOf(config),
          config.trafficking(), System.out))),
  ROUTE_MAP("route-map", "draw the baseline routes of an earlier run over the municipal map as "
      + "a PNG (--out FILE, default route-map.png)",
      (invocation, config) -> done(() -> RouteMapCommand.run(Main.lakehouseOf(config), config,
          new File(invocation.outOr("route-map.png"))))),
  SQL("sql", "SQL over the tables, named layer.table (silver.homicides): one --query \"SELECT "
      + "...\", a --file of statements, or an interactive prompt; --format table (default), csv "
      + "or json. Delta time travel works: SELECT * FROM gold.model_runs VERSION AS OF 0",
      (invocation, config) -> AnalystCommands.sql(config, invocation.commandOptions())
          ? Main.OK : Main.BAD_USAGE_OR_CONFIG,
      Option.valued("--query", "SQL", "one statement to run"),
      Option.valued("--file", "FILE", "statements to run, separated by ';'"),
      Option.valued("--format", "table|csv|json", "how results are printed")),
  SERVE("serve", "the JDBC/ODBC endpoint (Spark Thrift Server, HiveServer2 protocol) over the "
      + "same tables for beeline, DBeaver, Tableau (see the README before opening it beyond "
      + "this machine)",
      (invocation, config) -> done(() -> AnalystCommands.serve(config,
          invocation.commandOptions())),
      Option.valued("--port", "N", "TCP port (default 10000)"),
      Option.valued("--bind", "HOST", "address to listen on (default 127.0.0.1)"),
      Option.flag("--allow-writes", "let clients change tables (DELETE, UPDATE, INSERT, "
          + "MERGE, DDL, OPTIMIZE...); without it every statement that would write is refused")),
  NOTEBOOK("notebook", "execute a notebook of notebooks/ and render it as HTML with its result "
      + "tables and charts (--out FILE or folder, default <lakehouse>/reports/notebooks/)",
      (invocation, config) -> done(() -> AnalystCommands.notebook(config,
          invocation.commandOptions(), invocation.out())),
      Option.valued("--file", "FILE", "the notebook (default: all of them)"),
      Option.valued("--params", "NAME=VALUE,...", "values of the notebooks' widgets (CREATE "
          + "WIDGET ... DEFAULT), e.g. first_year=2000,last_year=2010")),
  REPORT("report", "the HTML report with figures and maps, and the data dictionary (--out "
      + "FOLDER, default <lakehouse>/reports/)",
      (invocation, config) -> done(() -> AnalystCommands.report(config, invocation.out()))),
  EXPORT("export", "tables as CSV files pandas reads with their types (a schema file beside "
      + "each holds pandas.read_csv's arguments; see the README) into --out FOLDER, default "
      + "<lakehouse>/exports/",
      (invocation, config) -> done(() -> AnalystCommands.export(config,
          invocation.commandOptions(), invocation.out())),
      Option.valued("--tables", "LAYER.TABLE,...", "the tables (default: every gold table)")),
  GENERATE_DEATH_RECORDS("generate-death-records", "write synthetic national death-certificate "
      + "files (INEGI's layout, 1990-2015 or --years) into --out DIR; homicides equal INEGI's "
      + "counts per municipality and year of the lakehouse of an earlier run",
      (invocation, config) -> done(() -> MicrodataBenchmark.generate(Main.lakehouseOf(config),
          syntheticFolder(invocation), invocation.number("rows", Main.DEFAULT_ROWS),
          invocation.number("seed", 1), invocation.years() == null
              ? new LakehouseConfig.YearRange(1990, 2015) : invocation.years(), System.out)),
      Option.ROWS, Option.SEED),
  BENCHMARK_MICRODATA("benchmark-microdata", "time the microdata pipeline on synthetic files "
      + "(cold ingest, nightly run with one new year) against DuckDB on the same files (with "
      + "-Pbenchmark); files and a scratch lakehouse go to --out DIR",
      (invocation, config) -> done(() -> MicrodataBenchmark.run(Main.lakehouseOf(config),
          syntheticFolder(invocation), invocation.number("rows", Main.DEFAULT_ROWS),
          invocation.number("seed", 1), System.out)),
      Option.ROWS, Option.SEED),
  BENCHMARK_CERTIFICATE_MODEL("benchmark-certificate-model", "the distributed estimator at "
      + "scale: a logit of \"homicide\" on sex and age group with municipality and year "
      + "effects over synthetic certificates (files and lakehouse under --out DIR)",
      (invocation, config) -> done(() -> MicrodataBenchmark.certificateModel(
          Main.lakehouseOf(config), syntheticFolder(invocation),
          invocation.number("rows", Main.DEFAULT_ROWS), invocation.number("seed", 1),
          System.out)),
      Option.ROWS, Option.SEED);

  /** An option of one or a few commands; a flag takes no value. */
  record Option(String name, String value, String help) {
    static final Option PROFILE = flag("--profile", "after the summary, each stage's start, "
        + "wall time, Spark jobs and Delta commits: where a run's time goes");
    static final Option ROWS = valued("--rows", "N", "synthetic death certificates in all "
        + "(default 15,000,000)");
    static final Option SEED = valued("--seed", "N", "seed of the synthetic files (default 1)");

    static Option flag(String name, String help) {
      return new Option(name, null, help);
    }

    static Option valued(String name, String value, String help) {
      return new Option(name, value, help);
    }

    boolean isFlag() {
      return value == null;
    }
  }

  /** What a command does with the parsed command line and the configuration; the exit code. */
  interface Action {
    int run(Main.Invocation invocation, LakehouseConfig config) throws Exception;
  }

  /** A command's work when it ends with exit code 0 unless it throws. */
  interface Work {
    void run() throws Exception;
  }

  final String name;
  final String summary;
  final Action action;
  final List<Option> options;

  Command(String name, String summary, Action action, Option... options) {
    this.name = name;
    this.summary = summary;
    this.action = action;
    this.options = List.of(options);
  }

  static Command named(String name) {
    for (Command command : values()) {
      if (command.name.equals(name)) {
        return command;
      }
    }
    throw new org.violence.lakehouse.conf.UsageException("unknown command '" + name + "'");
  }

  /** The option of this command called {@code name}, if it has one. */
  java.util.Optional<Option> option(String name) {
    return options.stream().filter(option -> option.name().equals(name)).findFirst();
  }

  private static int done(Work work) throws Exception {
    work.run();
    return Main.OK;
  }

  private static Path syntheticFolder(Main.Invocation invocation) {
    return Path.of(invocation.outOr("synthetic-death-records"));
  }

  /** The commands' part of --help: each command, then the options that belong to commands. */
  static String help() {
    StringBuilder text = new StringBuilder("Commands:\n");
    for (Command command : values()) {
      text.append(entry(command.name, command.summary));
    }
    text.append(entry("help", "print this text (also --help, -h)"));
    text.append("\nOptions of some commands:\n");
    Map<Option, List<String>> commandsOf = new LinkedHashMap<>();
    for (Command command : values()) {
      command.options.forEach(option -> commandsOf.computeIfAbsent(option,
          o -> new ArrayList<>()).add(command.name));
    }
    commandsOf.forEach((option, commands) -> text.append(entry(option.name()
        + (option.isFlag() ? "" : " " + option.value()), "(" + String.join(", ", commands)
        + ") " + option.help())));
    return text.toString();
  }

  /** A name and its description, wrapped at 90 columns under a 16-column indent. */
  private static String entry(String name, String description) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : description.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > 90 - 16) {
        lines.add(line.toString());
        line = new StringBuilder();
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    lines.add(line.toString());
    String head = "  " + name;
    StringBuilder text = new StringBuilder();
    if (head.length() < 16) {
      text.append(String.format("%-16s", head)).append(lines.remove(0)).append('\n');
    } else {
      text.append(head).append('\n');
    }
    lines.forEach(rest -> text.append(" ".repeat(16)).append(rest).append('\n'));
    return text.toString();
  }
}
