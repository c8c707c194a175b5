package org.violence.lakehouse.reconcile;

import static org.violence.lakehouse.io.Expectation.holds;
import static org.apache.spark.sql.functions.*;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.run.Stage;
import org.violence.lakehouse.silver.DrugWarHomicides;
import org.violence.lakehouse.silver.HomicideCounts;

/**
 * Where every death of Presidencia's drug-war database went, per year: the source's total as
 * landed in bronze, the silver units (municipalities; a state's unknown municipality), the part
 * in the panel, and the difference between source and silver, which must be zero.
 */
public final class DrugWarReconciliation {
  public static final String YEAR = "year";
  public static final String SOURCE_TOTAL = "source_total";
  public static final String DIFFERENCE = "difference";

  public static final Table TABLE = Table.in(Table.Layer.GOLD, "drug_war_reconciliation")
      .describedAs("Presidencia drug-war deaths per year, layer by layer, from the source's "
          + "total to the panel; difference must be 0")
      .sourcedFrom("bronze Presidencia file, silver.drug_war_homicides and "
          + "gold.municipality_year_panel")
      .column(YEAR, "Year of the deaths")
      .column(SOURCE_TOTAL, "Sum of the source's Total column, as landed in bronze")
      .column("municipality", "Silver: deaths in municipalities")
      .column("unspecified_municipality", "Silver: deaths in a state's unknown municipality")
      .column("in_panel", "Gold: deaths in the panel's drug_war_homicides (0 where the year is "
          + "not covered in full and the column is null)")
      .column("outside_panel", "Silver total minus panel: unknown municipality, or a partial year")
      .column(DIFFERENCE, "Source total minus silver total (0 when reconciled)")
      .expect(holds("the Presidencia file's total equals the silver total",
              DIFFERENCE + " = 0").locatedBy(YEAR))
      .build();

  private DrugWarReconciliation() {}

  /** The pipeline's stage: the reconciliation is rebuilt whenever one of its layers changes. */
  public static Stage stage() {
    return Stage.whole(List.of(TABLE), List.of(DelimitedSources.DRUG_WAR_HOMICIDES.table(),
            DrugWarHomicides.TABLE, MunicipalityYearPanel.TABLE), "", in -> {
          Dataset<Row> bronze = in.read(DelimitedSources.DRUG_WAR_HOMICIDES.table());
          return Stage.Output.of(Map.of(TABLE, build(bronze, in.read(DrugWarHomicides.TABLE),
              in.read(MunicipalityYearPanel.TABLE))));
        });
  }

  public static Dataset<Row> build(Dataset<Row> bronze, Dataset<Row> silver,
      Dataset<Row> panel) {
    Dataset<Row> source = bronze
        .groupBy(substring_index(col("month"), "-", -1).cast("int").as(YEAR))
        .agg(sum("deaths").as(SOURCE_TOTAL));
    Dataset<Row> units = silver.groupBy(YEAR).agg(
        sum(when(col(DrugWarHomicides.UNIT_KIND).equalTo(HomicideCounts.MUNICIPALITY),
            col(DrugWarHomicides.HOMICIDES)).otherwise(0L)).as("municipality"),
        sum(when(col(DrugWarHomicides.UNIT_KIND).equalTo(HomicideCounts.UNSPECIFIED_MUNICIPALITY),
            col(DrugWarHomicides.HOMICIDES)).otherwise(0L)).as("unspecified_municipality"));
    Dataset<Row> inPanel = panel.groupBy(YEAR)
        .agg(coalesce(sum(MunicipalityYearPanel.DRUG_WAR_HOMICIDES), lit(0L)).as("in_panel"));
    return source.join(units, new String[] {YEAR}, "left")
        .join(inPanel, new String[] {YEAR}, "left")
        .select(col(YEAR), col(SOURCE_TOTAL), col("municipality"),
            col("unspecified_municipality"), coalesce(col("in_panel"), lit(0L)).as("in_panel"),
            col("municipality").plus(col("unspecified_municipality"))
                .minus(coalesce(col("in_panel"), lit(0L))).as("outside_panel"),
            col(SOURCE_TOTAL).minus(col("municipality")).minus(col("unspecified_municipality"))
                .as(DIFFERENCE));
  }
}
