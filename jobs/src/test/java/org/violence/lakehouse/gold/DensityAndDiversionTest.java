package org.violence.lakehouse.gold;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.routes.RouteExposure;
import org.violence.lakehouse.routes.TraffickingRoutes;
import org.violence.lakehouse.silver.MunicipalAreas;
import org.violence.lakehouse.silver.Municipalities;

/** The panel's population density and diversion exposure on the real samples. */
class DensityAndDiversionTest extends LakehouseTestBase {

  /**
   * The polygons' areas against INEGI's published figures (1,964,375 km² for the country,
   * islands included; 1,494.3 km² for Mexico City), within 1%: the polygons are simplified.
   * The panel's density is its population over the areas of the unit's municipalities.
   */
  @Test
  void areasMatchInegisFiguresAndDensityIsPopulationOverArea() {
    Map<String, Double> areas = new HashMap<>();
    realRun().lakehouse().read(MunicipalAreas.TABLE).collectAsList()
        .forEach(r -> areas.put(r.getString(0), r.getDouble(1)));
    double country = areas.values().stream().mapToDouble(Double::doubleValue).sum();
    double mexicoCity = areas.entrySet().stream().filter(e -> e.getKey().startsWith("09"))
        .mapToDouble(Map.Entry::getValue).sum();
    Assertions.assertEquals(1_964_375, country, 0.01 * 1_964_375);
    Assertions.assertEquals(1_494.3, mexicoCity, 0.01 * 1_494.3);
    Assertions.assertEquals(2457, areas.size(), "every municipality of the 2020 geography");

    Map<String, Double> unitArea = new HashMap<>();
    for (Row r : realRun().lakehouse().read(Municipalities.TABLE).select(
        Municipalities.MUNICIPALITY_CODE, Municipalities.STABLE_CODE).distinct().collectAsList()) {
      Double area = areas.get(r.getString(0));
      if (area != null) {
        unitArea.merge(r.getString(1), area, Double::sum);
      }
    }
    List<Row> panel = MunicipalityYearPanel.mexico(realRun().lakehouse()
        .read(MunicipalityYearPanel.TABLE)).where("year = 2010").collectAsList();
    for (Row row : panel) {
      double expected = row.<Double>getAs("population")
          / unitArea.get(row.<String>getAs(Municipalities.STABLE_CODE));
      Assertions.assertEquals(expected, row.<Double>getAs(MunicipalityYearPanel.DENSITY),
          1e-9 * expected, row.<String>getAs(Municipalities.STABLE_CODE));
    }
    Assertions.assertEquals(2403, panel.size());
  }

  /**
   * Recomputed from silver.route_scenario_changes and the configured dates: the dated
   * scenarios' route changes add up from their year; undated ones never count.
   */
  @Test
  void diversionExposureSwitchesOnEachDatedScenarioFromItsYear() {
    Map<String, Integer> firstYear = new HashMap<>();
    for (LakehouseConfig.RouteScenario s : realRun().config().trafficking().scenarios()) {
      if (s.date() != null) {
        firstYear.put(s.name(), Integer.parseInt(s.date().substring(0, 4)));
      }
    }
    Assertions.assertEquals(Map.of("operation_culiacan_navolato", 2008,
        "operation_tamaulipas_crossings", 2007), firstYear);
    Map<String, Map<String, Long>> change = new HashMap<>();
    for (Row r : realRun().lakehouse().read(RouteExposure.SCENARIO_CHANGES).collectAsList()) {
      Long routes = r.getAs(RouteExposure.ROUTES + "_change");
      change.computeIfAbsent(r.getAs(Municipalities.STABLE_CODE), k -> new HashMap<>())
          .put(r.getAs(TraffickingRoutes.SCENARIO), routes == null ? 0 : routes);
    }
    int switchedOn = 0;
    for (Row row : MunicipalityYearPanel.mexico(realRun().lakehouse()
        .read(MunicipalityYearPanel.TABLE)).collectAsList()) {
      int year = row.getAs(MunicipalityYearPanel.YEAR);
      double expected = 0;
      for (Map.Entry<String, Long> c : change.getOrDefault(row.<String>getAs(
          Municipalities.STABLE_CODE), Map.of()).entrySet()) {
        Integer from = firstYear.get(c.getKey());
        expected += from != null && year >= from ? c.getValue() : 0;
      }
      Assertions.assertEquals(expected, row.<Double>getAs(DiversionExposure.COLUMN), 0,
          row.getAs(Municipalities.STABLE_CODE) + " " + year);
      switchedOn += expected != 0 ? 1 : 0;
    }
    Assertions.assertTrue(switchedOn > 100, "municipalities the routes moved to or from, "
        + "by year: " + switchedOn);
  }
}
