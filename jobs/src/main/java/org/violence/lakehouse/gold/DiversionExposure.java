package org.violence.lakehouse.gold;

import static org.apache.spark.sql.functions.*;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.routes.RouteExposure;
import org.violence.lakehouse.routes.TraffickingRoutes;
import org.violence.lakehouse.silver.Municipalities;

/**
 * Dell's (2015) predicted diversion: when a crackdown makes some municipalities costly to
 * cross, the least-cost routes move, and the municipalities they move to should see violence
 * from then on. For each dated route scenario (trafficking.scenarios with a date, e.g. a
 * military operation's start), the change in the number of predicted routes crossing a unit
 * (scenario minus baseline, silver.route_scenario_changes) is switched on from the year of the
 * date; the panel's column adds up the scenarios in force.
 */
public final class DiversionExposure {
  public static final String COLUMN = "diversion_exposure";

  private DiversionExposure() {}

  static void describe(Table.Builder table) {
    table.column(COLUMN, "Predicted diversion (Dell 2015): over the dated route scenarios in "
            + "force in the year (trafficking.scenarios with a date, from the date's year on), "
            + "the sum of the change in predicted routes crossing the unit (scenario minus "
            + "baseline, silver.route_scenario_changes); 0 before any and off every shift")
        .unit(COLUMN, "routes");
  }

  /**
   * The panel's Mexican rows with the diversion exposure; {@code firstYears} gives each dated
   * scenario's first year (undated scenarios are counterfactuals and stay out).
   */
  public static Dataset<Row> withDiversionExposure(Dataset<Row> panel,
      Dataset<Row> scenarioChanges, Map<String, Integer> firstYears) {
    Column firstYear = lit(null).cast("int");
    for (Map.Entry<String, Integer> scenario : firstYears.entrySet()) {
      firstYear = when(col(TraffickingRoutes.SCENARIO).equalTo(scenario.getKey()),
          scenario.getValue()).otherwise(firstYear);
    }
    Dataset<Row> dated = scenarioChanges.select(col(Municipalities.STABLE_CODE),
            firstYear.as("first_year"), col(RouteExposure.ROUTES + "_change").as("change"))
        .where(col("first_year").isNotNull());
    Dataset<Row> exposure = panel.select(Municipalities.STABLE_CODE, MunicipalityYearPanel.YEAR)
        .join(dated, Municipalities.STABLE_CODE)
        .where(col(MunicipalityYearPanel.YEAR).geq(col("first_year")))
        .groupBy(Municipalities.STABLE_CODE, MunicipalityYearPanel.YEAR)
        .agg(sum(col("change").cast("double")).as(COLUMN));
    return panel.join(exposure, new String[] {Municipalities.STABLE_CODE,
            MunicipalityYearPanel.YEAR}, "left")
        .withColumn(COLUMN, coalesce(col(COLUMN), lit(0.0)));
  }
}
