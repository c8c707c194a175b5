package org.violence.lakehouse.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.violence.lakehouse.conf.ConfigException;
import org.violence.lakehouse.conf.ConfigLoader;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.InputException;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.SparkSessions;

/**
 * Command line: {@code run} builds the lakehouse; options override the YAML configuration. The
 * terminal gets one clear line per failure; the exit code tells the cause.
 */
public final class Main {
  static final int OK = 0;
  static final int INTERNAL_FAILURE = 1;
  static final int BAD_USAGE_OR_CONFIG = 2;
  static final int BAD_INPUT = 3;

  static final String HELP = """
      violence-lakehouse: INEGI, CONAPO and CONEVAL exports to a Delta lakehouse
      (bronze -> silver -> gold municipality-year panel) and the configured models.

      Usage: <launcher> [command] [options]
        locally:    mvn -q compile exec:exec -Dlakehouse.args="run --years 2000-2015"
        on Spark:   spark-submit --class org.violence.lakehouse.cli.Main \\
                      jobs/target/violence-lakehouse.jar run --config conf/lakehouse.yaml

      Commands:
        run           build every table from the raw files and fit the models (default)
        routes        recompute the trafficking network, routes, exposure and scenarios from
                      the bronze and silver tables of an earlier run (the gold panel keeps
                      the exposure of that run until the next `run`), and print how long
                      each step took: the benchmark of the route model
        route-map     draw the baseline routes of an earlier run over the municipal map
                      as a PNG (--out FILE, default route-map.png)
        help          print this text (also --help, -h)

      Options (each overrides the config file):
        --config FILE     YAML configuration (default conf/lakehouse.yaml)
        --lakehouse DIR   where the Delta tables are written (config key lakehouse);
                          any Hadoop path: a folder, hdfs://..., s3a://...
        --inputs DIR      folder holding the raw files (config key inputs)
        --years A-B       first and last year of the panel (config key years); yearly
                          files outside it are not read
        --master URL      Spark master when not launched by spark-submit (spark.master)
        --out FILE        where route-map writes its PNG

      Exit codes:
        0  success
        1  internal failure (a bug or an environment problem; see the log)
        2  bad command line or configuration (the message names the key)
        3  bad input: a missing, truncated or mis-encoded file (the message names file
           and line); rows that are merely unreadable go to bronze.quarantine instead
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
      SparkSession spark = SparkSessions.create(config.spark());
      if (invocation.command().equals("routes")) {
        RouteBenchmark.run(new Lakehouse(spark, config.lakehouse()), config.trafficking(),
            System.out);
        return OK;
      }
      if (invocation.command().equals("route-map")) {
        RouteMapCommand.run(new Lakehouse(spark, config.lakehouse()), config,
            new java.io.File(invocation.out()));
        return OK;
      }
      Pipeline.Outcome outcome = new Pipeline(spark, config).run();
      Pipeline.printSummary(outcome, new Lakehouse(spark, config.lakehouse()), System.out);
      return OK;
    } catch (ConfigException | UsageException e) {
      System.err.println("error: " + e.getMessage());
      return BAD_USAGE_OR_CONFIG;
    } catch (InputException e) {
      System.err.println("bad input: " + e.getMessage());
      return BAD_INPUT;
    } catch (Exception e) {
      e.printStackTrace();
      System.err.println("internal failure: " + e);
      return INTERNAL_FAILURE;
    }
  }

  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message + " (see --help)");
    }
  }

  /** The parsed command line. */
  record Invocation(String command, boolean help, Path configFile, String lakehouse, String inputs,
      LakehouseConfig.YearRange years, String master, String out) {

    static Invocation parse(String[] args) {
      List<String> rest = new ArrayList<>(List.of(args));
      boolean help = false;
      String command = "run";
      if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
        command = rest.remove(0);
        switch (command) {
          case "run", "routes", "route-map" -> { }
          case "help" -> help = true;
          default -> throw new UsageException("unknown command '" + command + "'");
        }
      }
      Path config = Path.of("conf/lakehouse.yaml");
      String lakehouse = null;
      String inputs = null;
      LakehouseConfig.YearRange years = null;
      String master = null;
      String out = "route-map.png";
      for (int i = 0; i < rest.size(); i++) {
        String option = rest.get(i);
        if (option.equals("--help") || option.equals("-h")) {
          help = true;
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
          default -> throw new UsageException("unknown option '" + option + "'");
        }
      }
      return new Invocation(command, help, config, lakehouse, inputs, years, master, out);
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
