package org.violence.lakehouse.reconcile;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.centralamerica.GeographicUnits;
import org.violence.lakehouse.centralamerica.MunicipalHomicides;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.DiversionExposure;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.gold.SpatialFeatures;
import org.violence.lakehouse.routes.RouteExposure;
import org.violence.lakehouse.routes.TraffickingNetwork;
import org.violence.lakehouse.run.Stage;
import org.violence.lakehouse.silver.Covariates;
import org.violence.lakehouse.silver.DrugWarHomicides;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.MunicipalAreas;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * The gold panel's stage, which builds the panel and its reconciliation year by year. It lives
 * with the reconciliation, not in gold, because the panel holds Central America's municipalities
 * too, and both are built above gold.
 */
public final class ReconciledPanel {
  private ReconciledPanel() {}

  /**
   * The panel and its reconciliation, year by year. Both are checked before either is written,
   * so a panel whose homicides do not reconcile with INEGI's totals never reaches gold.
   */
  public static Stage stage(LakehouseConfig config) {
    return Stage.byYear(List.of(MunicipalityYearPanel.TABLE, Reconciliation.TABLE), List.of(
            Stage.Input.whole(Municipalities.TABLE),
            Stage.Input.sameAndPreviousYear(HomicideCounts.TABLE),
            Stage.Input.whole(Population.TABLE), Stage.Input.whole(Covariates.TABLE),
            Stage.Input.whole(DrugWarHomicides.TABLE), Stage.Input.whole(RouteExposure.TABLE),
            Stage.Input.whole(TraffickingNetwork.EDGES),
            Stage.Input.whole(RouteExposure.SCENARIO_CHANGES),
            Stage.Input.whole(MunicipalAreas.TABLE),
            Stage.Input.sameYear(InegiCubeSource.REGISTRATION.table()),
            Stage.Input.sameYear(InegiCubeSource.OCCURRENCE.table()),
            Stage.Input.whole(MunicipalHomicides.TABLE), Stage.Input.whole(GeographicUnits.TABLE)),
        "diversion from " + scenarioYears(config), () -> panelYears(config.years()),
        (in, years) -> {
          // The year before each one too: the spatial lag's lag reads it.
          Set<String> withPrevious = new TreeSet<>(years);
          years.forEach(y -> withPrevious.add(Integer.toString(Integer.parseInt(y) - 1)));
          Dataset<Row> homicides = HomicideCounts.ofCubes(
              Stage.inYears(in.read(HomicideCounts.TABLE), withPrevious));
          Dataset<Row> municipalities = in.read(Municipalities.TABLE);
          // Materialised once: the neighbourhood columns read the rows four times, and the
          // plan of the joins and pivots behind them, repeated, exhausted memory.
          Dataset<Row> base = in.computeOnce(MunicipalityYearPanel.build(municipalities,
              homicides, in.read(Population.TABLE), in.read(Covariates.TABLE),
              in.read(DrugWarHomicides.TABLE), in.read(RouteExposure.TABLE),
              in.read(MunicipalAreas.TABLE)));
          Dataset<Row> mexico = DiversionExposure.withDiversionExposure(
              SpatialFeatures.withSpatialFeatures(base, SpatialFeatures.neighbours(
                  in.read(TraffickingNetwork.EDGES), municipalities)),
              in.read(RouteExposure.SCENARIO_CHANGES), scenarioYears(config));
          // Materialised too: the reconciliation reads the panel's counts, and as a plan the
          // spatial features behind them were computed a second time (a third of the stage's
          // Spark jobs).
          Dataset<Row> panel = in.computeOnce(Stage.inYears(
              MunicipalityYearPanel.withYearIndicators(mexico.unionByName(
                  MunicipalHomicides.panelRows(in.read(MunicipalHomicides.TABLE),
                      in.read(GeographicUnits.TABLE)), true)), years));
          Dataset<Row> reconciliation = Stage.inYears(Reconciliation.build(
              in.read(InegiCubeSource.REGISTRATION.table()),
              in.read(InegiCubeSource.OCCURRENCE.table()),
              Stage.inYears(homicides, years), panel.where(
                  col(MunicipalityYearPanel.COUNTRY_CODE).equalTo(MunicipalityYearPanel.MEXICO))),
              years);
          return Stage.Output.of(Map.of(MunicipalityYearPanel.TABLE, panel,
              Reconciliation.TABLE, reconciliation));
        });
  }

  /** The first year of each dated route scenario, for the diversion exposure. */
  private static Map<String, Integer> scenarioYears(LakehouseConfig config) {
    Map<String, Integer> years = new TreeMap<>();
    if (config.trafficking().scenarios() != null) {
      config.trafficking().scenarios().stream().filter(s -> s.date() != null)
          .forEach(s -> years.put(s.name(), s.firstYear()));
    }
    return years;
  }

  private static Set<Integer> panelYears(LakehouseConfig.YearRange years) {
    return IntStream.rangeClosed(years.first(), years.last()).boxed()
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
