package org.violence.lakehouse.silver;

import static org.violence.lakehouse.io.Expectation.holds;
import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.apache.spark.sql.functions.*;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.violence.lakehouse.io.ExactSums;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.conf.LakehouseConfig.YearRange;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.run.Stage;

/**
 * Mid-year population per panel unit and year, on the same stable geography as the homicide
 * counts: CONAPO's municipal estimates summed over each unit's municipalities. CONAPO's
 * 1990-2009 file leaves 2007-2009 empty; those years are interpolated geometrically (constant
 * growth rate) between the nearest estimated years and flagged as such.
 */
public final class Population {
  public static final String YEAR = "year";
  public static final String POPULATION = "population";
  public static final String METHOD = "population_method";
  public static final String ESTIMATED = "conapo_estimate";
  public static final String INTERPOLATED = "geometric_interpolation";

  public static final Table TABLE = Table.in(Table.Layer.SILVER, "population")
      .describedAs("Mid-year population per stable municipality and year (CONAPO)")
      .sourcedFrom("CONAPO municipal population estimates 1990-2009 and projections 2010-2030")
      .column(Municipalities.STABLE_CODE, "Panel unit (municipality of the base vintage)")
      .column(YEAR, "Year")
      .column(POPULATION, "Mid-year population (persons)")
      .unit(POPULATION, "persons")
      .column(METHOD, "conapo_estimate, or geometric_interpolation for years CONAPO leaves empty")
      .expect(uniqueKey(Municipalities.STABLE_CODE, YEAR),
          // A year before CONAPO's first estimate or after its last has no population: the
          // years say so (a run over 1985-1991 failed with a count alone).
          holds("population > 0 (a CONAPO estimate, or estimates on both sides of the year)",
              POPULATION + " > 0").locatedBy(YEAR))
      .build();

  private Population() {}

  /** Population for the silver table, and the estimates whose code no catalogue knows. */
  public record Result(Dataset<Row> population, Dataset<Row> refused) {}

  /** The pipeline's stage: rebuilt when the estimates, the municipalities or the years change. */
  public static Stage stage(YearRange years) {
    return Stage.whole(List.of(TABLE), List.of(DelimitedSources.POPULATION_ESTIMATES.table(),
        Municipalities.TABLE), "years " + years, in -> {
          Result result = build(in.read(DelimitedSources.POPULATION_ESTIMATES.table()),
              in.read(Municipalities.TABLE), years);
          return new Stage.Output(Map.of(TABLE, result.population()),
              Quarantine.of(TABLE, result.refused()));
        });
  }

  public static Result build(Dataset<Row> estimates, Dataset<Row> municipalities, YearRange years) {
    MunicipalKeys.Conformed conformed = MunicipalKeys.conform(
        estimates.where(col("sex").equalTo("Total")), municipalities);
    Dataset<Row> observed = conformed.rows().where(col(POPULATION).isNotNull())
        .groupBy(col(Municipalities.STABLE_CODE), col(YEAR))
        .agg(ExactSums.sum(col(POPULATION)).as("observed"));
    WindowSpec unit = Window.partitionBy(Municipalities.STABLE_CODE).orderBy(YEAR);
    Column before = last(when(col("observed").isNotNull(), struct(col(YEAR).as("y"), col("observed").as("p"))), true)
        .over(unit.rowsBetween(Window.unboundedPreceding(), Window.currentRow()));
    Column after = first(when(col("observed").isNotNull(), struct(col(YEAR).as("y"), col("observed").as("p"))), true)
        .over(unit.rowsBetween(Window.currentRow(), Window.unboundedFollowing()));
    Dataset<Row> grid = MunicipalKeys.panelUnits(municipalities)
        .crossJoin(MunicipalKeys.years(municipalities.sparkSession(), years)
            .unionByName(observed.select(YEAR)).distinct())
        .join(observed, new String[] {Municipalities.STABLE_CODE, YEAR}, "left")
        .withColumn("before", when(col("observed").isNull(), before))
        .withColumn("after", when(col("observed").isNull(), after));
    // p0 * (p1 / p0) ^ ((year - y0) / (y1 - y0)): constant growth between the two estimates.
    Column interpolated = col("before.p").multiply(pow(col("after.p").divide(col("before.p")),
        col(YEAR).minus(col("before.y")).divide(col("after.y").minus(col("before.y")))));
    Dataset<Row> population = grid.select(col(Municipalities.STABLE_CODE), col(YEAR),
        coalesce(col("observed"), interpolated).as(POPULATION),
        when(col("observed").isNotNull(), lit(ESTIMATED))
            .when(interpolated.isNotNull(), lit(INTERPOLATED)).as(METHOD))
        .where(col(YEAR).between(years.first(), years.last()));
    return new Result(population, conformed.refused());
  }
}
