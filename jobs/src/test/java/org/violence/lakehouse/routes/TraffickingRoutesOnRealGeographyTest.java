package org.violence.lakehouse.routes;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.silver.Municipalities;

/** The route model on the real Mexican geography, checked against independent facts. */
class TraffickingRoutesOnRealGeographyTest extends LakehouseTestBase {
  private static final String PRESIDIO = "2403";
  private static final String PRESIDIO_CLOSED = "presidio_closed";
  /** Opened (Tornillo, 2014) or reopened (Boquillas, 2013) after the list behind DistUSPort. */
  private static final Set<String> PORTS_NOT_IN_DIST_US_PORT = Set.of("2404", "2410");

  private Lakehouse lakehouse() {
    return realRun().lakehouse();
  }

  private List<Row> baselineRoutes() {
    return lakehouse().read(TraffickingRoutes.ROUTES)
        .where(col(TraffickingRoutes.SCENARIO).equalTo(TraffickingRoutes.BASELINE))
        .collectAsList();
  }

  @Test
  void everyPortAttachesToItsTownAndIsReachableFromEveryProducer() {
    Map<String, String> attached = lakehouse().read(TraffickingNetwork.PORTS)
        .select(TraffickingNetwork.PORT_CODE, TraffickingNetwork.MUNICIPALITY_CODE)
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0),
            r -> r.getString(1)));
    Assertions.assertEquals(28, attached.size(), "all 28 ports attach: " + attached);
    // The Mexican towns facing these crossings (INEGI codes checked by hand in the catalogue).
    Assertions.assertEquals("02004", attached.get("2504"), "San Ysidro: Tijuana");
    Assertions.assertEquals("26043", attached.get("2604"), "Nogales: Nogales, Sonora");
    Assertions.assertEquals("08037", attached.get("2402"), "El Paso: Juarez");
    Assertions.assertEquals("28027", attached.get("2304"), "Laredo: Nuevo Laredo");
    Assertions.assertEquals("28022", attached.get("2301"), "Brownsville: Matamoros");

    // Every producer to every port (k = 0): no producer stranded, no port left out.
    RoutePlanner.Network network = network();
    RoutePlanner.Plan all = RoutePlanner.plan(network, new RoutePlanner.Costs("all", Set.of(),
        1.0, Set.of(), 0));
    Assertions.assertEquals(List.of(), all.strandedProducers());
    Assertions.assertEquals(attached.keySet(), all.routes().stream()
        .map(RoutePlanner.Route::portCode).collect(Collectors.toSet()));
    Assertions.assertEquals(network.producers().size() * 28, all.routes().size());
    Assertions.assertTrue(network.producers().size() > 50, "producers: "
        + network.producers().size());
  }

  @Test
  void routesStepOnlyBetweenMunicipalitiesThatShareABorder() {
    Set<String> borders = new HashSet<>();
    lakehouse().read(DelimitedSources.ADJACENCY.table()).collectAsList().forEach(r -> {
      borders.add(r.getAs("municipality_code_a") + "|" + r.getAs("municipality_code_b"));
      borders.add(r.getAs("municipality_code_b") + "|" + r.getAs("municipality_code_a"));
    });
    List<Row> routes = lakehouse().read(TraffickingRoutes.ROUTES).collectAsList();
    Assertions.assertFalse(routes.isEmpty());
    for (Row route : routes) {
      List<String> steps = route.getList(route.fieldIndex(TraffickingRoutes.MUNICIPALITIES));
      Assertions.assertEquals(route.getAs(TraffickingRoutes.ORIGIN), steps.get(0));
      Assertions.assertEquals(route.getAs(TraffickingRoutes.DESTINATION),
          steps.get(steps.size() - 1));
      for (int i = 1; i < steps.size(); i++) {
        Assertions.assertTrue(borders.contains(steps.get(i - 1) + "|" + steps.get(i)),
            route.getAs(TraffickingRoutes.ROUTE_ID) + " steps from " + steps.get(i - 1) + " to "
                + steps.get(i));
      }
    }
  }

  @Test
  void routesAreAtLeastAsLongAsTheStraightLineBetweenTheirEnds() {
    Map<String, double[]> seats = new HashMap<>();
    lakehouse().read(Municipalities.TABLE).collectAsList().forEach(r -> seats.put(
        r.getAs(Municipalities.MUNICIPALITY_CODE), new double[] {
            r.getAs(Municipalities.SEAT_LONGITUDE), r.getAs(Municipalities.SEAT_LATITUDE)}));
    Map<String, double[]> ports = new HashMap<>();
    lakehouse().read(DelimitedSources.PORTS_OF_ENTRY.table()).collectAsList().forEach(r ->
        ports.put(r.getAs("port_code"), new double[] {r.getAs("longitude"), r.getAs("latitude")}));
    for (Row route : lakehouse().read(TraffickingRoutes.ROUTES).collectAsList()) {
      double[] from = seats.get(route.<String>getAs(TraffickingRoutes.ORIGIN));
      double[] to = ports.get(route.<String>getAs(TraffickingNetwork.PORT_CODE));
      double straight = haversineKm(from[0], from[1], to[0], to[1]);
      double km = route.getAs(TraffickingNetwork.KM);
      Assertions.assertTrue(km >= straight - 1e-6, route.getAs(TraffickingRoutes.ROUTE_ID)
          + ": " + km + " km along the network, " + straight + " km straight");
    }
  }

  @Test
  void sierraMadreProducersShipThroughSonoraChihuahuaOrBajaCalifornia() {
    // The Golden Triangle: producers of Sinaloa (25), Durango (10) and Chihuahua (08).
    Set<String> triangle = Set.of("25", "10", "08");
    Set<String> northwest = Set.of("02", "26", "08");
    Map<String, Long> destinations = baselineRoutes().stream()
        .filter(r -> triangle.contains(r.<String>getAs(TraffickingRoutes.ORIGIN).substring(0, 2)))
        .collect(Collectors.groupingBy(r -> r.<String>getAs(TraffickingRoutes.DESTINATION)
            .substring(0, 2), Collectors.counting()));
    long total = destinations.values().stream().mapToLong(Long::longValue).sum();
    long toNorthwest = destinations.entrySet().stream()
        .filter(e -> northwest.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    Assertions.assertTrue(total >= 15, "Golden Triangle routes: " + destinations);
    Assertions.assertEquals(total, toNorthwest, "routes by destination state: " + destinations);
  }

  @Test
  void distanceToNearestPortAgreesWithTheIndependentDistUsPort() {
    // DistUSPort (municipality-heads.csv) was computed by others from the 2007 seats to their
    // own list of ports. Compared where our nearest port is one their list has too.
    List<Row> pairs = lakehouse().read(TraffickingNetwork.NODES)
        .join(lakehouse().read(DelimitedSources.MUNICIPALITY_HEADS.table()),
            Municipalities.MUNICIPALITY_CODE)
        .where(col("km_to_us_port").isNotNull())
        .select(col(TraffickingNetwork.NEAREST_PORT), col(TraffickingNetwork.KM_TO_PORT),
            col("km_to_us_port"))
        .collectAsList();
    double[] differences = pairs.stream()
        .filter(r -> !PORTS_NOT_IN_DIST_US_PORT.contains(r.getString(0)))
        .mapToDouble(r -> Math.abs(r.getDouble(1) - r.getDouble(2))).sorted().toArray();
    Assertions.assertTrue(differences.length > 2300, "compared: " + differences.length);
    double median = differences[differences.length / 2];
    double p95 = differences[(int) (differences.length * 0.95)];
    double max = differences[differences.length - 1];
    String figures = "median " + median + ", 95th percentile " + p95 + ", max " + max + " km";
    // Most seats agree within a km; the 1,500 seats nearest Brownsville differ by 5-10 km because
    // their Brownsville point is another of the city's bridges, and a few seats near El Paso and
    // San Luis pick a different one of two neighbouring ports; seat coordinates also moved
    // slightly between the 2007 and 2020 catalogues.
    Assertions.assertTrue(median <= 6.0, figures);
    Assertions.assertTrue(p95 <= 10.0, figures);
    Assertions.assertTrue(max <= 30.0, figures);
  }

  @Test
  void closingPresidioMovesItsRoutesToTheNextCheapestPorts() {
    List<Row> base = baselineRoutes();
    List<Row> closed = lakehouse().read(TraffickingRoutes.ROUTES)
        .where(col(TraffickingRoutes.SCENARIO).equalTo(PRESIDIO_CLOSED)).collectAsList();
    Assertions.assertEquals(base.size(), closed.size(), "every producer still ships");
    Assertions.assertTrue(closed.stream().noneMatch(r -> PRESIDIO.equals(
        r.getAs(TraffickingNetwork.PORT_CODE))));
    Set<String> movedOrigins = base.stream()
        .filter(r -> PRESIDIO.equals(r.getAs(TraffickingNetwork.PORT_CODE)))
        .map(r -> r.<String>getAs(TraffickingRoutes.ORIGIN)).collect(Collectors.toSet());
    Assertions.assertTrue(movedOrigins.size() >= 10, "baseline routes via Presidio: "
        + movedOrigins);

    // Each moved route now ends at the producer's second-cheapest port of the baseline, and
    // every other route stays as it was.
    RoutePlanner.Plan two = RoutePlanner.plan(network(),
        new RoutePlanner.Costs("two", Set.of(), 1.0, Set.of(), 2));
    Map<String, String> secondPort = two.routes().stream().filter(r -> r.rank() == 2)
        .collect(Collectors.toMap(RoutePlanner.Route::origin, RoutePlanner.Route::portCode));
    Map<String, String> basePort = base.stream().collect(Collectors.toMap(
        r -> r.getAs(TraffickingRoutes.ORIGIN), r -> r.getAs(TraffickingNetwork.PORT_CODE)));
    for (Row r : closed) {
      String origin = r.getAs(TraffickingRoutes.ORIGIN);
      Assertions.assertEquals(movedOrigins.contains(origin) ? secondPort.get(origin)
          : basePort.get(origin), r.getAs(TraffickingNetwork.PORT_CODE), origin);
    }

    // Every unit's change is the routes crossing it after minus before, counted here from the
    // routes themselves; so the changes sum to the units gained minus the units lost.
    Map<String, String> stable = new HashMap<>();
    lakehouse().read(Municipalities.TABLE).collectAsList().forEach(r -> stable.put(
        r.getAs(Municipalities.MUNICIPALITY_CODE), r.getAs(Municipalities.STABLE_CODE)));
    Map<String, Long> before = crossings(base, stable);
    Map<String, Long> after = crossings(closed, stable);
    Dataset<Row> changes = lakehouse().read(RouteExposure.SCENARIO_CHANGES)
        .where(col(TraffickingRoutes.SCENARIO).equalTo(PRESIDIO_CLOSED));
    Assertions.assertEquals(2403L, changes.count(), "one row per panel unit");
    long summed = 0;
    for (Row change : changes.collectAsList()) {
      String unit = change.getAs(RouteExposure.STABLE_CODE);
      long expected = after.getOrDefault(unit, 0L) - before.getOrDefault(unit, 0L);
      Assertions.assertEquals(expected, change.<Long>getAs(RouteExposure.ROUTES + "_change"), unit);
      summed += change.<Long>getAs(RouteExposure.ROUTES + "_change");
    }
    long unitsGained = after.values().stream().mapToLong(Long::longValue).sum();
    long unitsLost = before.values().stream().mapToLong(Long::longValue).sum();
    Assertions.assertEquals(unitsGained - unitsLost, summed);
    Assertions.assertTrue(before.get("08052") > after.getOrDefault("08052", 0L),
        "Ojinaga loses routes");
  }

  /** Routes crossing each panel unit (a route crossing two parts of a unit counts once). */
  private static Map<String, Long> crossings(List<Row> routes, Map<String, String> stable) {
    Map<String, Long> count = new HashMap<>();
    for (Row r : routes) {
      r.<String>getList(r.fieldIndex(TraffickingRoutes.MUNICIPALITIES)).stream()
          .map(stable::get).distinct().forEach(unit -> count.merge(unit, 1L, Long::sum));
    }
    return count;
  }

  @Test
  void crackdownOnTamaulipasCrossingsRaisesCostsAndDivertsRoutes() {
    String scenario = "operation_tamaulipas_crossings";
    Set<String> crackdown = Set.of("28022", "28033", "28032", "28027", "28025", "28007");
    Map<String, Double> baseCost = baselineRoutes().stream().collect(Collectors.toMap(
        r -> r.getAs(TraffickingRoutes.ORIGIN), r -> r.getAs(TraffickingNetwork.COST)));
    List<Row> shifted = lakehouse().read(TraffickingRoutes.ROUTES)
        .where(col(TraffickingRoutes.SCENARIO).equalTo(scenario)).collectAsList();
    for (Row r : shifted) {
      Assertions.assertTrue(r.<Double>getAs(TraffickingNetwork.COST)
          >= baseCost.get(r.<String>getAs(TraffickingRoutes.ORIGIN)) - 1e-9,
          "a crackdown only raises costs: " + r);
    }
    long intoCrackdownBefore = baselineRoutes().stream()
        .filter(r -> crackdown.contains(r.<String>getAs(TraffickingRoutes.DESTINATION))).count();
    long intoCrackdownAfter = shifted.stream()
        .filter(r -> crackdown.contains(r.<String>getAs(TraffickingRoutes.DESTINATION))).count();
    Assertions.assertTrue(intoCrackdownAfter < intoCrackdownBefore, "routes ending in the "
        + "crackdown: " + intoCrackdownBefore + " -> " + intoCrackdownAfter);
    Assertions.assertTrue(shifted.get(0).<String>getAs(TraffickingRoutes.PARAMETERS)
        .contains("\"crackdown_cost_multiplier\":5.0"), shifted.get(0).toString());
  }

  @Test
  void exposuresAreInTheGoldPanelWithComments() {
    Dataset<Row> panel = lakehouse().read(MunicipalityYearPanel.TABLE);
    for (String column : RouteExposure.PANEL_COLUMNS) {
      StructField field = panel.schema().apply(column);
      Assertions.assertTrue(field.getComment().isDefined() && !field.getComment().get().isBlank(),
          column + " has a comment");
    }
    Row tijuana = panel.where(col(Municipalities.STABLE_CODE).equalTo("02004")
        .and(col(MunicipalityYearPanel.YEAR).equalTo(2010))).first();
    Assertions.assertTrue(tijuana.<Boolean>getAs(RouteExposure.BORDER));
    Assertions.assertTrue(tijuana.<Double>getAs(RouteExposure.KM_TO_PORT) < 5.0);
    Assertions.assertEquals(0L, panel.where(col(RouteExposure.ON_ROUTE).isNull()).count(),
        "every panel unit has route exposure");
    Row badiraguato = panel.where(col(Municipalities.STABLE_CODE).equalTo("25003")).first();
    Assertions.assertTrue(badiraguato.<Boolean>getAs(RouteExposure.PRODUCER));
    Assertions.assertTrue(badiraguato.<Boolean>getAs(RouteExposure.ON_ROUTE));
    Assertions.assertEquals(0.0, badiraguato.<Double>getAs(RouteExposure.KM_TO_ROUTE));
  }

  @Test
  void unknownCodesAndPortsFarFromAnySeatAreQuarantinedWithAReason() {
    Dataset<Row> adjacency = lakehouse().read(DelimitedSources.ADJACENCY.table());
    Dataset<Row> ports = lakehouse().read(DelimitedSources.PORTS_OF_ENTRY.table());
    TraffickingNetwork.Result result = TraffickingNetwork.build(new TraffickingNetwork.Inputs(
            lakehouse().read(Municipalities.TABLE),
            adjacency.unionByName(adjacency.limit(1).withColumn("municipality_code_b",
                lit("07999"))),
            lakehouse().read(DelimitedSources.MUNICIPALITY_HEADS.table()),
            ports.unionByName(ports.limit(1).withColumn("port_code", lit("9999"))
                .withColumn("latitude", lit(45.0))),
            lakehouse().read(DelimitedSources.POPPY_ERADICATION.table()),
            lakehouse().read(DelimitedSources.MARIJUANA_ERADICATION.table()),
            lakehouse().read(DelimitedSources.PIPELINE_MUNICIPALITIES.table())),
        realRun().config().trafficking());
    List<String> reasons = result.refused().select(Quarantine.REASON).as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList();
    Assertions.assertEquals(2, reasons.size(), reasons.toString());
    Assertions.assertTrue(reasons.contains("municipality code 07999 is not a municipality of the "
        + "2020 geography; the border pair cannot be an edge"), reasons.toString());
    Assertions.assertTrue(reasons.stream().anyMatch(r -> r.startsWith(
        "no municipal seat within 100.0 km of the port")), reasons.toString());
    Assertions.assertEquals(28L, result.ports().count(), "the real ports still attach");

    // With every port closed no producer ships, and each is quarantined, not silently dropped.
    RoutePlanner.Network network = network();
    Set<String> allPorts = network.ports().stream().map(RoutePlanner.Port::portCode)
        .collect(Collectors.toSet());
    RoutePlanner.Plan closed = RoutePlanner.plan(network,
        new RoutePlanner.Costs("all_closed", Set.of(), 1.0, allPorts, 1));
    Assertions.assertEquals(network.producers().size(), closed.strandedProducers().size());
    Assertions.assertEquals(List.of(), closed.routes());
    List<String> stranded = TraffickingNetwork.strandedProducers(
            lakehouse().read(DelimitedSources.POPPY_ERADICATION.table()),
            closed.strandedProducers())
        .select(Quarantine.REASON).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    Assertions.assertFalse(stranded.isEmpty());
    Assertions.assertTrue(stranded.stream().allMatch(r -> r.startsWith("producer ")
        && r.contains("reaches no open port of entry")), stranded.toString());
  }

  private RoutePlanner.Network network() {
    return TraffickingRoutes.network(lakehouse().read(TraffickingNetwork.NODES),
        lakehouse().read(TraffickingNetwork.EDGES), lakehouse().read(TraffickingNetwork.PORTS));
  }

  /** Independent of the pipeline's Spark expression: plain haversine, same Earth radius. */
  private static double haversineKm(double lon1, double lat1, double lon2, double lat2) {
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(Math.toRadians(lat1))
        * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
  }
}
