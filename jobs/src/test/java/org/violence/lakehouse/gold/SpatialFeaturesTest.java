package org.violence.lakehouse.gold;

import static org.apache.spark.sql.functions.desc;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.routes.TraffickingNetwork;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * The panel's spatial lag and empirical-Bayes rates recomputed by plain loops from the raw
 * adjacency file in data-samples (not the network's edges) and the panel's populations and
 * homicides, following Marshall (1991) as written in the column comments. Tolerance 1e-9
 * relative (the two sum in different orders).
 */
class SpatialFeaturesTest extends LakehouseTestBase {
  private record Unit(String code, int year, double homicides, double population) {}

  @Test
  void spatialLagAndSmoothedRatesEqualAnIndependentComputation() throws IOException {
    Map<String, String> unitOf = new HashMap<>();
    for (Row r : realRun().lakehouse().read(Municipalities.TABLE)
        .select(Municipalities.MUNICIPALITY_CODE, Municipalities.STABLE_CODE).collectAsList()) {
      unitOf.put(r.getString(0), r.getString(1));
    }
    Map<String, Set<String>> neighbours = new HashMap<>();
    for (String line : Files.readAllLines(projectDir().resolve(
        "data-samples/mexico/geography/mx_municipio_adjacency_from_topojson.csv"))) {
      String[] pair = line.split(",");
      String a = unitOf.get(pair[0]);
      String b = unitOf.get(pair[1]);
      if (a != null && b != null && !a.equals(b)) {
        neighbours.computeIfAbsent(a, k -> new TreeSet<>()).add(b);
        neighbours.computeIfAbsent(b, k -> new TreeSet<>()).add(a);
      }
    }
    Map<Integer, Map<String, Unit>> years = new HashMap<>();
    Map<String, Row> stored = new HashMap<>();
    for (Row r : MunicipalityYearPanel.mexico(realRun().lakehouse()
        .read(MunicipalityYearPanel.TABLE)).collectAsList()) {
      String code = r.getAs(Municipalities.STABLE_CODE);
      int year = r.<Integer>getAs(MunicipalityYearPanel.YEAR);
      stored.put(code + year, r);
      Long homicides = r.getAs(MunicipalityYearPanel.HOMICIDES_REGISTRATION);
      if (homicides != null) {
        years.computeIfAbsent(year, y -> new HashMap<>()).put(code, new Unit(code, year,
            homicides, r.<Double>getAs("population")));
      }
    }
    int compared = 0;
    int islands = 0;
    for (Map.Entry<Integer, Map<String, Unit>> year : years.entrySet()) {
      Map<String, Unit> units = year.getValue();
      double global = marshall(units.values(), units.values().iterator().next());
      for (Unit unit : units.values()) {
        Row row = stored.get(unit.code() + unit.year());
        check(marshall(units.values(), unit), row, SpatialFeatures.EB_GLOBAL);
        List<Unit> hood = new ArrayList<>(List.of(unit));
        neighbours.getOrDefault(unit.code(), Set.of()).stream().map(units::get)
            .filter(java.util.Objects::nonNull).forEach(hood::add);
        check(marshall(hood, unit), row, SpatialFeatures.EB_LOCAL);
        check(neighbourRate(neighbours, units, unit.code()), row, SpatialFeatures.NEIGHBOUR_RATE);
        Map<String, Unit> before = years.get(unit.year() - 1);
        check(before == null ? null : neighbourRate(neighbours, before, unit.code()), row,
            SpatialFeatures.NEIGHBOUR_RATE_LAG);
        islands += neighbours.containsKey(unit.code()) ? 0 : 1;
        compared++;
      }
      Assertions.assertTrue(global > 0, "the year's pooled rate");
    }
    Assertions.assertEquals(years.values().stream().mapToInt(Map::size).sum(), compared);
    Assertions.assertTrue(compared > 60000, "every municipality-year: " + compared);
    // The simplified polygons' adjacency leaves no municipality without a neighbour.
    Assertions.assertEquals(0, islands);
    double perUnit = neighbours.values().stream().mapToInt(Set::size).average().orElseThrow();
    Assertions.assertTrue(perUnit > 4 && perUnit < 8, "neighbours per municipality " + perUnit);
  }

  /**
   * The same rows, partitioned and ordered otherwise, give the same bits: the sums behind the
   * rates must not depend on the order a query plan adds them in (a sum of doubles did, and the
   * panel's last bits moved with unrelated changes to the plans).
   */
  @Test
  void theRatesAreTheSameBitsHoweverThePlanOrdersTheRows() {
    Lakehouse lakehouse = smallRun().lakehouse();
    Dataset<Row> panel = MunicipalityYearPanel.mexico(lakehouse.read(MunicipalityYearPanel.TABLE))
        .select(Municipalities.STABLE_CODE, MunicipalityYearPanel.YEAR,
            MunicipalityYearPanel.HOMICIDES_REGISTRATION, Population.POPULATION);
    Dataset<Row> neighbours = SpatialFeatures.neighbours(lakehouse.read(TraffickingNetwork.EDGES),
        lakehouse.read(Municipalities.TABLE));
    Dataset<Row> onePartition = SpatialFeatures.withSpatialFeatures(
        panel.repartition(1).sortWithinPartitions(Municipalities.STABLE_CODE), neighbours);
    Dataset<Row> sevenPartitions = SpatialFeatures.withSpatialFeatures(panel.repartition(7)
        .sortWithinPartitions(desc(Population.POPULATION)), neighbours);
    Assertions.assertTrue(onePartition.exceptAll(sevenPartitions).isEmpty()
        && sevenPartitions.exceptAll(onePartition).isEmpty());
  }

  /** Marshall's (1991) empirical-Bayes rate of {@code unit} among {@code area}, per 100,000. */
  private static double marshall(java.util.Collection<Unit> area, Unit unit) {
    double deaths = 0;
    double people = 0;
    for (Unit u : area) {
      deaths += u.homicides();
      people += u.population();
    }
    double m = deaths / people;
    double s2 = 0;
    for (Unit u : area) {
      s2 += u.population() * Math.pow(u.homicides() / u.population() - m, 2);
    }
    s2 /= people;
    double a = Math.max(0, s2 - m / (people / area.size()));
    double c = a == 0 ? 0 : a / (a + m / unit.population());
    return 100000 * (m + c * (unit.homicides() / unit.population() - m));
  }

  private static Double neighbourRate(Map<String, Set<String>> neighbours,
      Map<String, Unit> units, String code) {
    List<Double> rates = neighbours.getOrDefault(code, Set.of()).stream().map(units::get)
        .filter(java.util.Objects::nonNull)
        .map(u -> 100000 * u.homicides() / u.population()).toList();
    return rates.isEmpty() ? null
        : rates.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  private static void check(Double expected, Row row, String column) {
    Double actual = row.getAs(column);
    String what = column + " of " + row.getAs(Municipalities.STABLE_CODE) + " in "
        + row.getAs(MunicipalityYearPanel.YEAR);
    if (expected == null) {
      Assertions.assertNull(actual, what);
      return;
    }
    Assertions.assertNotNull(actual, what);
    Assertions.assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)), what);
  }
}
