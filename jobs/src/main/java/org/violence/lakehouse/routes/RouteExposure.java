package org.violence.lakehouse.routes;

import static org.apache.spark.sql.functions.*;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.io.ExactSums;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.silver.Municipalities;

/**
 * Exposure of each panel unit to the predicted routes, and how a scenario changes it.
 *
 * <p>Routes run over the municipalities of 2020; the panel's units are their base-vintage
 * ancestors ({@code stable_municipality_code}). A unit's exposure is that of the area it covers
 * today: a route crossing it is one route however many of its parts (split municipalities) the
 * route passes through, so counts and weights sum over distinct routes; distances are the
 * smallest of its parts'; flags hold if they hold for any part; producer intensity is summed.
 */
public final class RouteExposure {
  public static final String STABLE_CODE = Municipalities.STABLE_CODE;
  public static final String ON_ROUTE = "on_trafficking_route";
  public static final String ROUTES = "trafficking_routes";
  public static final String ROUTES_WEIGHTED = "trafficking_routes_weighted";
  public static final String KM_TO_ROUTE = "km_to_trafficking_route";
  public static final String KM_TO_PORT = "km_to_us_port";
  public static final String KM_TO_BORDER = "km_to_us_border";
  public static final String BORDER = "us_border_municipality";
  public static final String PRODUCER = "drug_producer";
  public static final String PRODUCER_INTENSITY = "drug_producer_intensity";
  public static final String PIPELINE = "fuel_pipeline";

  /** Columns the gold panel takes, in order (all but the key and the parameters). */
  public static final List<String> PANEL_COLUMNS = List.of(ON_ROUTE, ROUTES, ROUTES_WEIGHTED,
      KM_TO_ROUTE, KM_TO_PORT, KM_TO_BORDER, BORDER, PRODUCER, PRODUCER_INTENSITY, PIPELINE);

  public static final Table TABLE = Table.in(Table.Layer.SILVER, "route_exposure")
      .describedAs("Exposure of each panel unit to the baseline predicted trafficking routes, "
          + "with distances to the US and producer and pipeline flags")
      .sourcedFrom("Computed from silver.trafficking_routes and silver.municipalities")
      .column(STABLE_CODE, "Panel unit (base-vintage municipality, including later splits)")
      .column(ON_ROUTE, "Some predicted baseline trafficking route crosses the unit "
          + "(time-invariant)")
      .column(ROUTES, "Number of predicted baseline trafficking routes crossing the unit "
          + "(time-invariant)")
      .column(ROUTES_WEIGHTED, "Sum of the producer intensity (poppy + marijuana eradication) of "
          + "the origins of the routes crossing the unit (time-invariant)")
      .column(KM_TO_ROUTE, "Km along the municipal network (seat to seat) to the nearest "
          + "municipality on a route; 0 on a route, null if unconnected (time-invariant)")
      .column(KM_TO_PORT, "Great-circle km from the nearest seat of the unit to the nearest US "
          + "port of entry (time-invariant)")
      .column(KM_TO_BORDER, "Km from the nearest seat of the unit to the US border "
          + "(DistUSBorder of municipality-heads.csv, time-invariant)")
      .column(BORDER, "A part of the unit hosts a US port of entry or has its seat near the "
          + "border (trafficking.border_municipality_km; time-invariant)")
      .column(PRODUCER, "A part of the unit is a drug producer (eradication at least "
          + "trafficking.producer_min_intensity; time-invariant)")
      .column(PRODUCER_INTENSITY, "Poppy + marijuana eradication intensity of the unit "
          + "(relative units, 0 where none recorded; time-invariant)")
      .column(PIPELINE, "A PEMEX fuel pipeline crosses the unit (time-invariant)")
      .column(TraffickingRoutes.PARAMETERS, "Parameters of the route run, as JSON")
      .unit(ROUTES, "routes").unit(ROUTES_WEIGHTED, "routes x eradication intensity")
      .unit(KM_TO_ROUTE, "km").unit(KM_TO_PORT, "km").unit(KM_TO_BORDER, "km")
      .unit(PRODUCER_INTENSITY, "eradication intensity (relative units of the source)")
      .build();

  public static final Table SCENARIO_CHANGES = Table.in(Table.Layer.SILVER,
          "route_scenario_changes")
      .describedAs("How each route-shift scenario changes every panel unit's exposure "
          + "(scenario minus baseline)")
      .sourcedFrom("Computed from silver.trafficking_routes (baseline and scenarios)")
      .column(TraffickingRoutes.SCENARIO, "Scenario name (trafficking.scenarios)")
      .column(STABLE_CODE, "Panel unit (base-vintage municipality, including later splits)")
      .column(ROUTES + "_baseline", "Routes crossing the unit in the baseline")
      .column(ROUTES + "_scenario", "Routes crossing the unit in the scenario")
      .column(ROUTES + "_change", "Scenario minus baseline routes crossing the unit")
      .column(ROUTES_WEIGHTED + "_baseline", "Producer-weighted routes, baseline")
      .column(ROUTES_WEIGHTED + "_scenario", "Producer-weighted routes, scenario")
      .column(ROUTES_WEIGHTED + "_change", "Scenario minus baseline producer-weighted routes")
      .column(ON_ROUTE + "_baseline", "On a route in the baseline")
      .column(ON_ROUTE + "_scenario", "On a route in the scenario")
      .column(KM_TO_ROUTE + "_baseline", "Network km to the nearest route, baseline")
      .column(KM_TO_ROUTE + "_scenario", "Network km to the nearest route, scenario")
      .column(TraffickingRoutes.PARAMETERS, "Parameters of the scenario's run, as JSON")
      .build();

  private RouteExposure() {}

  /**
   * Route exposure per scenario and unit: on a route, routes crossing, weighted routes and km to
   * the nearest route.
   */
  static Dataset<Row> byScenario(Dataset<Row> nodes, Dataset<Row> routes,
      Dataset<Row> distances) {
    Dataset<Row> units = nodes.select(TraffickingNetwork.MUNICIPALITY_CODE, STABLE_CODE);
    Dataset<Row> crossings = routes
        .select(col(TraffickingRoutes.SCENARIO), col(TraffickingRoutes.ROUTE_ID),
            col(TraffickingNetwork.PRODUCER_INTENSITY), explode(col(
                TraffickingRoutes.MUNICIPALITIES)).as(TraffickingNetwork.MUNICIPALITY_CODE))
        .join(units, TraffickingNetwork.MUNICIPALITY_CODE)
        .select(TraffickingRoutes.SCENARIO, TraffickingRoutes.ROUTE_ID,
            TraffickingNetwork.PRODUCER_INTENSITY, STABLE_CODE)
        .distinct()
        .groupBy(TraffickingRoutes.SCENARIO, STABLE_CODE)
        .agg(count(TraffickingRoutes.ROUTE_ID).as(ROUTES),
            ExactSums.sum(col(TraffickingNetwork.PRODUCER_INTENSITY)).as(ROUTES_WEIGHTED));
    return distances.join(units, TraffickingNetwork.MUNICIPALITY_CODE)
        .groupBy(TraffickingRoutes.SCENARIO, STABLE_CODE).agg(min(KM_TO_ROUTE).as(KM_TO_ROUTE))
        .join(crossings, new String[] {TraffickingRoutes.SCENARIO, STABLE_CODE}, "left")
        .select(col(TraffickingRoutes.SCENARIO), col(STABLE_CODE),
            coalesce(col(ROUTES), lit(0L)).gt(0).as(ON_ROUTE),
            coalesce(col(ROUTES), lit(0L)).as(ROUTES),
            coalesce(col(ROUTES_WEIGHTED), lit(0.0)).as(ROUTES_WEIGHTED), col(KM_TO_ROUTE));
  }

  /** The baseline exposure of every unit with the unit's fixed attributes: {@link #TABLE}. */
  static Dataset<Row> baseline(Dataset<Row> exposures, Dataset<Row> nodes, String parameters) {
    Dataset<Row> attributes = nodes.groupBy(STABLE_CODE).agg(
        min(TraffickingNetwork.KM_TO_PORT).as(KM_TO_PORT),
        min(TraffickingNetwork.KM_TO_BORDER).as(KM_TO_BORDER),
        max(TraffickingNetwork.IS_BORDER).as(BORDER),
        max(TraffickingNetwork.IS_PRODUCER).as(PRODUCER),
        ExactSums.sum(col(TraffickingNetwork.PRODUCER_INTENSITY)).as(PRODUCER_INTENSITY),
        max(TraffickingNetwork.HAS_PIPELINE).as(PIPELINE));
    return exposures.where(col(TraffickingRoutes.SCENARIO).equalTo(TraffickingRoutes.BASELINE))
        .join(attributes, STABLE_CODE)
        .select(col(STABLE_CODE), col(ON_ROUTE), col(ROUTES), col(ROUTES_WEIGHTED),
            col(KM_TO_ROUTE), col(KM_TO_PORT), col(KM_TO_BORDER), col(BORDER), col(PRODUCER),
            col(PRODUCER_INTENSITY), col(PIPELINE),
            lit(parameters).as(TraffickingRoutes.PARAMETERS));
  }

  /** Every scenario's exposure next to the baseline's: {@link #SCENARIO_CHANGES}. */
  static Dataset<Row> changes(Dataset<Row> exposures, Dataset<Row> parameters) {
    Dataset<Row> base = suffixed(exposures
        .where(col(TraffickingRoutes.SCENARIO).equalTo(TraffickingRoutes.BASELINE)), "_baseline")
        .drop(TraffickingRoutes.SCENARIO);
    Dataset<Row> shifted = suffixed(exposures
        .where(col(TraffickingRoutes.SCENARIO).notEqual(TraffickingRoutes.BASELINE)), "_scenario");
    return shifted.join(base, STABLE_CODE).join(parameters, TraffickingRoutes.SCENARIO).select(
        col(TraffickingRoutes.SCENARIO), col(STABLE_CODE), col(ROUTES + "_baseline"),
        col(ROUTES + "_scenario"),
        col(ROUTES + "_scenario").minus(col(ROUTES + "_baseline")).as(ROUTES + "_change"),
        col(ROUTES_WEIGHTED + "_baseline"), col(ROUTES_WEIGHTED + "_scenario"),
        col(ROUTES_WEIGHTED + "_scenario").minus(col(ROUTES_WEIGHTED + "_baseline"))
            .as(ROUTES_WEIGHTED + "_change"),
        col(ON_ROUTE + "_baseline"), col(ON_ROUTE + "_scenario"),
        col(KM_TO_ROUTE + "_baseline"), col(KM_TO_ROUTE + "_scenario"),
        col(TraffickingRoutes.PARAMETERS));
  }

  private static Dataset<Row> suffixed(Dataset<Row> exposures, String suffix) {
    return exposures.select(col(TraffickingRoutes.SCENARIO), col(STABLE_CODE),
        col(ON_ROUTE).as(ON_ROUTE + suffix), col(ROUTES).as(ROUTES + suffix),
        col(ROUTES_WEIGHTED).as(ROUTES_WEIGHTED + suffix),
        col(KM_TO_ROUTE).as(KM_TO_ROUTE + suffix));
  }
}
