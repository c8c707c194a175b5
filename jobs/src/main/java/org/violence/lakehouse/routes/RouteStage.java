package org.violence.lakehouse.routes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.run.Stage;
import org.violence.lakehouse.silver.Municipalities;

/**
 * Runs the trafficking-routes stage over tables already in the lakehouse: network, routes of the
 * baseline and of every scenario, exposure and scenario changes. Each table is read back before
 * the next step, as elsewhere in the pipeline. The steps are timed, for the {@code routes}
 * command's benchmark.
 */
public final class RouteStage {
  private RouteStage() {}

  /** The tables this stage writes, in the order they are built. */
  public static final List<Table> TABLES = List.of(TraffickingNetwork.NODES,
      TraffickingNetwork.EDGES, TraffickingNetwork.PORTS, TraffickingRoutes.ROUTES,
      RouteExposure.SCENARIO_CHANGES, RouteExposure.TABLE);

  /**
   * The pipeline's stage: the steps read back the tables of earlier steps, here the rows just
   * built, so that all six are checked and written together. Those rows are computed once as
   * the runner computes a stage's output, which then checks and writes them as they are; cached
   * instead, they were planned apart and copied into column batches, and the stage took about
   * twice as long (jobs/BENCHMARKS.md).
   */
  public static Stage stage(LakehouseConfig.Trafficking params) {
    return Stage.whole(TABLES, List.of(Municipalities.TABLE, DelimitedSources.ADJACENCY.table(),
            DelimitedSources.MUNICIPALITY_HEADS.table(), DelimitedSources.PORTS_OF_ENTRY.table(),
            DelimitedSources.POPPY_ERADICATION.table(),
            DelimitedSources.MARIJUANA_ERADICATION.table(),
            DelimitedSources.PIPELINE_MUNICIPALITIES.table()),
        "trafficking " + params, in -> {
          Map<Table, Dataset<Row>> built = new LinkedHashMap<>();
          Dataset<Row> refused = run(
              table -> built.containsKey(table) ? built.get(table) : in.read(table),
              (table, rows) -> built.put(table, in.computeOnce(rows)), params).refused();
          return new Stage.Output(built, refused);
        });
  }

  /** Tables produced, quarantine rows, what was computed and how long each step took (ms). */
  public record Outcome(Dataset<Row> refused, int producers, int routes,
      List<String> strandedProducers, Map<String, Long> millis) {}

  public static Outcome run(Function<Table, Dataset<Row>> read,
      BiConsumer<Table, Dataset<Row>> write, LakehouseConfig.Trafficking params) {
    Map<String, Long> millis = new LinkedHashMap<>();
    TraffickingNetwork.Result network = timed(millis, "network tables (Spark)", () -> {
      TraffickingNetwork.Result built = TraffickingNetwork.build(new TraffickingNetwork.Inputs(
          read.apply(Municipalities.TABLE), read.apply(DelimitedSources.ADJACENCY.table()),
          read.apply(DelimitedSources.MUNICIPALITY_HEADS.table()),
          read.apply(DelimitedSources.PORTS_OF_ENTRY.table()),
          read.apply(DelimitedSources.POPPY_ERADICATION.table()),
          read.apply(DelimitedSources.MARIJUANA_ERADICATION.table()),
          read.apply(DelimitedSources.PIPELINE_MUNICIPALITIES.table())), params);
      write.accept(TraffickingNetwork.NODES, built.nodes());
      write.accept(TraffickingNetwork.EDGES, built.edges());
      write.accept(TraffickingNetwork.PORTS, built.ports());
      return built;
    });
    Dataset<Row> nodes = read.apply(TraffickingNetwork.NODES);
    RoutePlanner.Network graph = timed(millis, "collect network to driver", () ->
        TraffickingRoutes.network(nodes, read.apply(TraffickingNetwork.EDGES),
            read.apply(TraffickingNetwork.PORTS)));
    List<RoutePlanner.Costs> runs = TraffickingRoutes.costs(params);
    List<RoutePlanner.Plan> plans = timed(millis, "least-cost routes, " + runs.size()
        + " runs (JGraphT, driver)", () -> runs.stream().map(c -> RoutePlanner.plan(graph, c))
        .toList());

    SparkSession spark = nodes.sparkSession();
    timed(millis, "routes, exposure and scenario tables (Spark)", () -> {
      write.accept(TraffickingRoutes.ROUTES, TraffickingRoutes.routes(spark, plans, params));
      Dataset<Row> exposures = RouteExposure.byScenario(nodes,
          read.apply(TraffickingRoutes.ROUTES), TraffickingRoutes.distances(spark, plans));
      Map<String, String> parameters = TraffickingRoutes.parameters(params);
      write.accept(RouteExposure.TABLE, RouteExposure.baseline(exposures, nodes,
          parameters.get(TraffickingRoutes.BASELINE)));
      write.accept(RouteExposure.SCENARIO_CHANGES,
          RouteExposure.changes(exposures, parametersTable(spark, parameters)));
      return null;
    });
    List<String> stranded = plans.stream().flatMap(p -> p.strandedProducers().stream())
        .distinct().sorted().toList();
    Dataset<Row> refused = network.refused()
        .unionByName(TraffickingNetwork.strandedProducers(
            read.apply(DelimitedSources.POPPY_ERADICATION.table()), stranded))
        .unionByName(TraffickingNetwork.strandedProducers(
            read.apply(DelimitedSources.MARIJUANA_ERADICATION.table()), stranded));
    return new Outcome(refused, graph.producers().size(), plans.stream()
        .mapToInt(p -> p.routes().size()).sum(), stranded, millis);
  }

  private static Dataset<Row> parametersTable(SparkSession spark, Map<String, String> byScenario) {
    List<Row> rows = new ArrayList<>();
    byScenario.forEach((scenario, json) -> rows.add(
        org.apache.spark.sql.RowFactory.create(scenario, json)));
    return spark.createDataFrame(rows, new StructType()
        .add(TraffickingRoutes.SCENARIO, DataTypes.StringType, false)
        .add(TraffickingRoutes.PARAMETERS, DataTypes.StringType, false));
  }

  private static <T> T timed(Map<String, Long> millis, String step, Supplier<T> work) {
    long start = System.nanoTime();
    T result = work.get();
    millis.put(step, (System.nanoTime() - start) / 1_000_000);
    return result;
  }
}
