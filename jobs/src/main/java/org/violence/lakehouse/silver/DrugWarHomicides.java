package org.violence.lakehouse.silver;

import static org.apache.spark.sql.functions.*;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.run.Stage;

/**
 * Presidencia's deaths attributed to organised-crime rivalry per unit and year: municipalities
 * conformed to the stable geography, and each state's deaths of unknown municipality kept as an
 * explicit unit (SS999) so that the source's total reconciles. {@code months} says how much of
 * the year the source covers (2006: December only), so the panel can leave partial years empty.
 */
public final class DrugWarHomicides {
  public static final String UNIT_CODE = HomicideCounts.UNIT_CODE;
  public static final String UNIT_KIND = HomicideCounts.UNIT_KIND;
  public static final String YEAR = "year";
  public static final String MONTHS = "months_covered";
  public static final String HOMICIDES = "homicides";
  private static final String DEATHS = "deaths";

  public static final Table TABLE = Table.in(Table.Layer.SILVER, "drug_war_homicides")
      .describedAs("Deaths attributed to organised-crime rivalry (Presidencia, Dec 2006 - Dec "
          + "2010) per unit (municipality or a state's unknown municipality) and year")
      .sourcedFrom("Presidencia de la Republica, deaths attributed to organised-crime rivalry, "
          + "Dec 2006 - Dec 2010")
      .column(UNIT_CODE, "Municipality code, or SS999 for a state's unknown municipality")
      .column(UNIT_KIND, "MUNICIPALITY or UNSPECIFIED_MUNICIPALITY")
      .column(Municipalities.STATE_CODE, "INEGI state code")
      .column(Municipalities.STABLE_CODE, "Panel unit of a municipality; null for other units")
      .column(YEAR, "Year of the deaths")
      .column(MONTHS, "Months of the year the source covers (12, or 1 for 2006)")
      .column("executions", "Executions")
      .column("aggressions", "Deaths in aggressions")
      .column("shootouts", "Deaths in shootouts")
      .column(HOMICIDES, "All deaths attributed to organised-crime rivalry")
      .unit(HOMICIDES, "deaths")
      .build();

  private DrugWarHomicides() {}

  /** Counts for the silver table, and the rows whose municipality code no catalogue knows. */
  public record Result(Dataset<Row> counts, Dataset<Row> refused) {}

  /** The pipeline's stage: rebuilt when the Presidencia file or the municipalities change. */
  public static Stage stage() {
    return Stage.whole(List.of(TABLE), List.of(DelimitedSources.DRUG_WAR_HOMICIDES.table(),
        Municipalities.TABLE), "", in -> {
          Result result = build(in.read(DelimitedSources.DRUG_WAR_HOMICIDES.table()),
              in.read(Municipalities.TABLE));
          return new Stage.Output(Map.of(TABLE, result.counts()),
              Quarantine.of(TABLE, result.refused()));
        });
  }

  public static Result build(Dataset<Row> bronze, Dataset<Row> municipalities) {
    Dataset<Row> dated = bronze.withColumn(YEAR,
        substring_index(col("month"), "-", -1).cast("int"));
    Dataset<Row> months = dated.groupBy(YEAR).agg(countDistinct("month").as(MONTHS));
    Column code = col(DelimitedSources.MUNICIPALITY_CODE);
    MunicipalKeys.Conformed known = MunicipalKeys.conform(dated.where(code.isNotNull()),
        municipalities);
    Dataset<Row> municipal = known.rows()
        .withColumn(UNIT_CODE, code).withColumn(UNIT_KIND, lit(HomicideCounts.MUNICIPALITY));
    Dataset<Row> unspecified = dated.where(code.isNull())
        .withColumn(UNIT_CODE, concat(col(Municipalities.STATE_CODE), lit("999")))
        .withColumn(UNIT_KIND, lit(HomicideCounts.UNSPECIFIED_MUNICIPALITY))
        .withColumn(Municipalities.STABLE_CODE, lit(null).cast("string"));
    Dataset<Row> counts = municipal.unionByName(unspecified, true)
        .groupBy(col(UNIT_CODE), col(UNIT_KIND), col(Municipalities.STATE_CODE),
            col(Municipalities.STABLE_CODE), col(YEAR))
        .agg(sum("executions").as("executions"), sum("aggressions").as("aggressions"),
            sum("shootouts").as("shootouts"), sum(DEATHS).as(HOMICIDES))
        .join(months, YEAR)
        .select(col(UNIT_CODE), col(UNIT_KIND), col(Municipalities.STATE_CODE),
            col(Municipalities.STABLE_CODE), col(YEAR), col(MONTHS), col("executions"),
            col("aggressions"), col("shootouts"), col(HOMICIDES));
    return new Result(counts, known.refused().withColumn(Quarantine.REASON,
        concat(col(Quarantine.REASON), lit("; its deaths are missing from silver"))));
  }
}
