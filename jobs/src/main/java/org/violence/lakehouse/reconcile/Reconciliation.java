package org.violence.lakehouse.reconcile;

import static org.violence.lakehouse.io.Expectation.holds;
import static org.apache.spark.sql.functions.*;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.silver.HomicideCounts;

/**
 * Where every homicide went, per basis and year: INEGI's national total as landed in bronze, the
 * silver units it was split into, the part inside the panel and the part outside it (no
 * municipality), and the difference, which must be zero.
 */
public final class Reconciliation {
  public static final String BASIS = "basis";
  public static final String YEAR = "year";
  public static final String INEGI_TOTAL = "inegi_national_total";
  public static final String SILVER_TOTAL = "silver_total";
  public static final String PANEL = "in_panel";
  public static final String DIFFERENCE = "difference";

  private static final List<String> KINDS = List.of(HomicideCounts.MUNICIPALITY,
      HomicideCounts.UNSPECIFIED_MUNICIPALITY, HomicideCounts.ABROAD,
      HomicideCounts.STATE_UNALLOCATED);

  public static final Table TABLE = Table.in(Table.Layer.GOLD, "reconciliation")
      .describedAs("Homicides per basis and year, layer by layer, from INEGI's national total to "
          + "the panel; difference must be 0")
      .sourcedFrom("bronze INEGI exports, silver.homicides and gold.municipality_year_panel")
      .column(BASIS, "registration or occurrence")
      .column(YEAR, "Year of registration or occurrence")
      .column(INEGI_TOTAL, "National Total row(s) of INEGI's export, as landed in bronze")
      .column("municipality", "Silver: homicides in municipalities")
      .column("unspecified_municipality", "Silver: homicides in a state's unspecified "
          + "municipality")
      .column("abroad", "Silver: homicides abroad")
      .column("state_unallocated", "Silver: state subtotal not in any municipality row")
      .column(SILVER_TOTAL, "Silver: all units")
      .column(PANEL, "Gold: homicides in the municipality-year panel")
      .column("outside_panel", "Silver total minus panel: deaths with no municipality")
      .column(DIFFERENCE, "INEGI national total minus silver total (0 when reconciled)")
      .expect(holds("INEGI's national total equals the silver total (every homicide accounted for)",
              DIFFERENCE + " = 0").locatedBy(YEAR),
          holds("panel + outside panel equals the silver total", PANEL
              + " + outside_panel = " + SILVER_TOTAL).locatedBy(YEAR))
      .build();

  private Reconciliation() {}

  public static Dataset<Row> build(Dataset<Row> registration, Dataset<Row> occurrence,
      Dataset<Row> homicides, Dataset<Row> panel) {
    Column national = col(InegiCubeSource.AREA_KIND).equalTo("NATIONAL_TOTAL");
    Dataset<Row> inegi = registration.where(national)
        .select(lit(HomicideCounts.REGISTRATION).as(BASIS),
            col(InegiCubeSource.REGISTRATION_YEAR).as(YEAR), col(InegiCubeSource.HOMICIDES))
        .unionByName(occurrence.where(national
                .and(col(InegiCubeSource.AGE_GROUP).equalTo("Total"))
                .and(col(InegiCubeSource.SEX).equalTo("Total")))
            .select(lit(HomicideCounts.OCCURRENCE).as(BASIS),
                col(InegiCubeSource.OCCURRENCE_YEAR).as(YEAR), col(InegiCubeSource.HOMICIDES)))
        .groupBy(BASIS, YEAR).agg(sum(InegiCubeSource.HOMICIDES).as(INEGI_TOTAL));
    Dataset<Row> silver = homicides.groupBy(col(HomicideCounts.BASIS).as(BASIS),
            col(HomicideCounts.YEAR).as(YEAR))
        .pivot(HomicideCounts.UNIT_KIND, List.copyOf(KINDS)).agg(sum("homicides"));
    for (String kind : KINDS) {
      silver = silver.withColumnRenamed(kind, kind.toLowerCase())
          .na().fill(0L, new String[] {kind.toLowerCase()});
    }
    Dataset<Row> inPanel = panel.select(lit(HomicideCounts.REGISTRATION).as(BASIS), col(YEAR),
            col(MunicipalityYearPanel.HOMICIDES_REGISTRATION).as("h"))
        .unionByName(panel.select(lit(HomicideCounts.OCCURRENCE).as(BASIS), col(YEAR),
            col(MunicipalityYearPanel.HOMICIDES_OCCURRENCE).as("h")))
        .groupBy(BASIS, YEAR).agg(sum("h").as(PANEL));
    Column silverTotal = col("municipality").plus(col("unspecified_municipality"))
        .plus(col("abroad")).plus(col("state_unallocated"));
    return inegi.join(silver, new String[] {BASIS, YEAR}, "left")
        .join(inPanel, new String[] {BASIS, YEAR}, "left")
        .select(col(BASIS), col(YEAR), col(INEGI_TOTAL), col("municipality"),
            col("unspecified_municipality"), col("abroad"), col("state_unallocated"),
            silverTotal.as(SILVER_TOTAL), coalesce(col(PANEL), lit(0L)).as(PANEL),
            silverTotal.minus(coalesce(col(PANEL), lit(0L))).as("outside_panel"),
            col(INEGI_TOTAL).minus(silverTotal).as(DIFFERENCE))
        .orderBy(BASIS, YEAR);
  }
}
