package org.violence.lakehouse.routes;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.Table;

/**
 * Predicted trafficking routes of the baseline and of every configured scenario, each scenario
 * recorded with the parameters that made it, so that a result can be traced to how it was made.
 */
public final class TraffickingRoutes {
  public static final String BASELINE = "baseline";
  public static final String SCENARIO = "scenario";
  public static final String PARAMETERS = "parameters";
  public static final String ROUTE_ID = "route_id";
  public static final String ORIGIN = "origin_code";
  public static final String DESTINATION = "destination_code";
  public static final String PORT_RANK = "port_rank";
  public static final String MUNICIPALITIES = "municipalities";
  /** Name of the baseline cost function, recorded with every run. */
  static final String COST_FUNCTION = "great_circle_km_between_bordering_seats";

  public static final Table ROUTES = Table.in(Table.Layer.SILVER, "trafficking_routes")
      .describedAs("Least-cost routes from producing municipalities to US ports of entry, for "
          + "the baseline and each route-shift scenario (after Dell, AER 2015)")
      .sourcedFrom("Computed by the route stage (Dijkstra, JGraphT) on the trafficking network "
          + "tables")
      .column(SCENARIO, "baseline, or the name of a scenario of trafficking.scenarios")
      .column(ROUTE_ID, "scenario:origin->port, unique in the table")
      .column(ORIGIN, "Producing municipality the route starts in (INEGI code, 2020 geography)")
      .column(TraffickingNetwork.PORT_CODE, "US port code of the port of entry it ends at")
      .column(DESTINATION, "Municipality where that port stands")
      .column(PORT_RANK, "1 for the producer's cheapest port, 2 for the next, ...")
      .column(TraffickingNetwork.KM, "Length in km: seat-to-seat steps plus the last leg from "
          + "the destination's seat to the port")
      .column(TraffickingNetwork.COST, "Cost under the scenario (crackdown steps multiplied), "
          + "last leg included; the route minimises it")
      .column(TraffickingNetwork.PRODUCER_INTENSITY, "Producer intensity of the origin: the "
          + "route's weight in exposure")
      .column(MUNICIPALITIES, "Municipalities crossed, in order, origin first and destination "
          + "last")
      .column(PARAMETERS, "Parameters of the run as JSON: cost function, producer threshold, "
          + "ports per producer, port attachment distance, scenario changes")
      .build();

  private static final ObjectMapper JSON = new ObjectMapper();

  private TraffickingRoutes() {}

  /** The costs of the baseline and of every configured scenario, in that order. */
  public static List<RoutePlanner.Costs> costs(LakehouseConfig.Trafficking params) {
    List<RoutePlanner.Costs> costs = new ArrayList<>();
    costs.add(new RoutePlanner.Costs(BASELINE, Set.of(), 1.0, Set.of(),
        params.portsPerProducer()));
    List<LakehouseConfig.RouteScenario> scenarios = params.scenarios() == null ? List.of()
        : params.scenarios();
    for (LakehouseConfig.RouteScenario s : scenarios) {
      costs.add(new RoutePlanner.Costs(s.name(), Set.copyOf(s.crackdownMunicipalities()),
          s.crackdownCostMultiplier() == null ? 1.0 : s.crackdownCostMultiplier(),
          Set.copyOf(s.closedPorts()), params.portsPerProducer()));
    }
    return costs;
  }

  /** The planner's input, collected from the network tables (a few thousand rows). */
  public static RoutePlanner.Network network(Dataset<Row> nodes, Dataset<Row> edges,
      Dataset<Row> ports) {
    List<String> municipalities = nodes.select(TraffickingNetwork.MUNICIPALITY_CODE)
        .orderBy(TraffickingNetwork.MUNICIPALITY_CODE).as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList();
    List<RoutePlanner.Producer> producers = nodes.where(col(TraffickingNetwork.IS_PRODUCER))
        .orderBy(TraffickingNetwork.MUNICIPALITY_CODE)
        .select(TraffickingNetwork.MUNICIPALITY_CODE, TraffickingNetwork.PRODUCER_INTENSITY)
        .collectAsList().stream()
        .map(r -> new RoutePlanner.Producer(r.getString(0), r.getDouble(1))).toList();
    List<RoutePlanner.Edge> edgeList = edges.select(TraffickingNetwork.CODE_A,
            TraffickingNetwork.CODE_B, TraffickingNetwork.KM, TraffickingNetwork.COST)
        .collectAsList().stream()
        .map(r -> new RoutePlanner.Edge(r.getString(0), r.getString(1), r.getDouble(2),
            r.getDouble(3))).toList();
    List<RoutePlanner.Port> portList = ports.select(TraffickingNetwork.PORT_CODE,
            TraffickingNetwork.MUNICIPALITY_CODE, TraffickingNetwork.KM_FROM_SEAT)
        .orderBy(TraffickingNetwork.PORT_CODE).collectAsList().stream()
        .map(r -> new RoutePlanner.Port(r.getString(0), r.getString(1), r.getDouble(2)))
        .toList();
    return new RoutePlanner.Network(municipalities, edgeList, portList, producers);
  }

  /** The routes of every plan as rows of {@link #ROUTES}. */
  public static Dataset<Row> routes(SparkSession spark, List<RoutePlanner.Plan> plans,
      LakehouseConfig.Trafficking params) {
    Map<String, String> parameters = parameters(params);
    List<Row> rows = new ArrayList<>();
    for (RoutePlanner.Plan plan : plans) {
      for (RoutePlanner.Route r : plan.routes()) {
        rows.add(RowFactory.create(r.scenario(), r.scenario() + ":" + r.origin() + "->"
                + r.portCode(), r.origin(), r.portCode(), r.destination(), r.rank(), r.km(),
            r.cost(), r.intensity(), r.municipalities().toArray(String[]::new),
            parameters.get(r.scenario())));
      }
    }
    return spark.createDataFrame(rows, ROUTE_SCHEMA);
  }

  /** Network km from every municipality to the nearest route, per scenario (not a table). */
  static Dataset<Row> distances(SparkSession spark, List<RoutePlanner.Plan> plans) {
    List<Row> rows = new ArrayList<>();
    for (RoutePlanner.Plan plan : plans) {
      for (RoutePlanner.DistanceToRoute d : plan.distances()) {
        rows.add(RowFactory.create(d.scenario(), d.municipalityCode(), d.km()));
      }
    }
    return spark.createDataFrame(rows, new StructType()
        .add(SCENARIO, DataTypes.StringType, false)
        .add(TraffickingNetwork.MUNICIPALITY_CODE, DataTypes.StringType, false)
        .add(RouteExposure.KM_TO_ROUTE, DataTypes.DoubleType, true));
  }

  /** Each run's parameters as JSON, by scenario name. */
  static Map<String, String> parameters(LakehouseConfig.Trafficking params) {
    Map<String, String> byScenario = new LinkedHashMap<>();
    for (RoutePlanner.Costs c : costs(params)) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("cost_function", COST_FUNCTION);
      p.put("producer_min_intensity", params.producerMinIntensity());
      p.put("ports_per_producer", params.portsPerProducer());
      p.put("port_attachment_max_km", params.portAttachmentMaxKm());
      p.put("scenario", c.scenario());
      p.put("crackdown_municipalities", c.crackdown().stream().sorted().toList());
      p.put("crackdown_cost_multiplier", c.crackdownMultiplier());
      p.put("closed_ports", c.closedPorts().stream().sorted().toList());
      try {
        byScenario.put(c.scenario(), JSON.writeValueAsString(p));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("parameters of scenario " + c.scenario(), e);
      }
    }
    return byScenario;
  }

  private static final StructType ROUTE_SCHEMA = new StructType()
      .add(SCENARIO, DataTypes.StringType, false)
      .add(ROUTE_ID, DataTypes.StringType, false)
      .add(ORIGIN, DataTypes.StringType, false)
      .add(TraffickingNetwork.PORT_CODE, DataTypes.StringType, false)
      .add(DESTINATION, DataTypes.StringType, false)
      .add(PORT_RANK, DataTypes.IntegerType, false)
      .add(TraffickingNetwork.KM, DataTypes.DoubleType, false)
      .add(TraffickingNetwork.COST, DataTypes.DoubleType, false)
      .add(TraffickingNetwork.PRODUCER_INTENSITY, DataTypes.DoubleType, false)
      .add(MUNICIPALITIES, DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add(PARAMETERS, DataTypes.StringType, false);
}
