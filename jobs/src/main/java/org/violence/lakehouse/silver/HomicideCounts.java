package org.violence.lakehouse.silver;

import static org.violence.lakehouse.io.Expectation.holds;
import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.apache.spark.sql.functions.*;
import static org.violence.lakehouse.bronze.InegiCubeSource.AREA_KIND;
import static org.violence.lakehouse.bronze.InegiCubeSource.HOMICIDES;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.run.Stage;

/**
 * Homicides per unit, year and basis. A unit is a municipality, or one of the places INEGI counts
 * without a municipality, kept as explicit units so that every basis adds up to INEGI's national
 * total: a state's unspecified municipality (SS999), deaths abroad (states 33-35), and whatever a
 * state subtotal holds beyond its municipality rows (SS000; in the occurrence cube deaths abroad
 * appear only this way). A municipality code found in no catalogue is refused to the quarantine;
 * its deaths stay in its state's unallocated unit, so totals still reconcile.
 */
public final class HomicideCounts {
  public static final String UNIT_CODE = "unit_code";
  public static final String UNIT_KIND = "unit_kind";
  public static final String STATE_CODE = "state_code";
  public static final String YEAR = Stage.YEAR;
  public static final String BASIS = "basis";
  public static final String REGISTRATION = "registration";
  public static final String OCCURRENCE = "occurrence";
  /** Which data a count comes from: INEGI's aggregate exports, or its death certificates. */
  public static final String SOURCE = "source";
  public static final String INEGI_CUBE = "inegi_cube";

  public static final String MUNICIPALITY = "MUNICIPALITY";
  public static final String UNSPECIFIED_MUNICIPALITY = "UNSPECIFIED_MUNICIPALITY";
  public static final String ABROAD = "ABROAD";
  public static final String STATE_UNALLOCATED = "STATE_UNALLOCATED";

  public static final Table TABLE = Table.in(Table.Layer.SILVER, "homicides")
      .describedAs("Homicides per unit (municipality, unspecified municipality, abroad, state "
          + "unallocated), year and basis (registration or occurrence)")
      .sourcedFrom("INEGI mortality statistics: homicides by year of registration (one export per "
          + "year) and by year of occurrence (exports by age and sex)")
      .partitionedBy(YEAR)
      .column(UNIT_CODE, "Municipality code, or SS999 (unspecified), 33999-35999 (abroad), "
          + "SS000 (state subtotal not allocated to any municipality row)")
      .column(UNIT_KIND, "MUNICIPALITY, UNSPECIFIED_MUNICIPALITY, ABROAD or STATE_UNALLOCATED")
      .column(STATE_CODE, "INEGI state code of the unit (33-35: abroad)")
      .column(Municipalities.STABLE_CODE, "Panel unit of a municipality; null for other units")
      .column(YEAR, "Year of registration or of occurrence, as the basis says")
      .column(BASIS, "registration: counted by year of registration; occurrence: by year of "
          + "occurrence, summing every later year of registration in the export")
      .column(HOMICIDES, "Homicides")
      .unit(HOMICIDES, "homicides")
      .column(Lineage.SOURCE_FILE, "INEGI export(s) the count comes from")
      .column(SOURCE, "inegi_cube: INEGI's aggregate exports (the panel's counts); "
          + "death_records: counted from INEGI's death certificates (microdata)")
      .expect(uniqueKey(UNIT_CODE, YEAR, BASIS, SOURCE),
          holds("homicides > 0 (units without deaths have no row)", "homicides > 0"))
      .build();

  private HomicideCounts() {}

  /**
   * The pipeline's stage, year by year over {@code years}: the cubes' counts and the death
   * certificates'. Those are counted above silver, by the microdata from the municipalities, so
   * the caller names their table, {@code certificateCounts}, and how its rows become this
   * table's, {@code certificateHomicides}.
   */
  public static Stage stage(Supplier<Set<Integer>> years, Table certificateCounts,
      UnaryOperator<Dataset<Row>> certificateHomicides) {
    return Stage.byYear(List.of(TABLE), List.of(
            Stage.Input.sameYear(InegiCubeSource.REGISTRATION.table()),
            Stage.Input.sameYear(InegiCubeSource.OCCURRENCE.table()),
            Stage.Input.whole(Municipalities.TABLE), Stage.Input.whole(certificateCounts)),
        "", years, (in, parts) -> {
          Result result = build(in.read(InegiCubeSource.REGISTRATION.table()),
              in.read(InegiCubeSource.OCCURRENCE.table()), in.read(Municipalities.TABLE));
          Dataset<Row> counts = result.counts().unionByName(
              certificateHomicides.apply(in.read(certificateCounts)));
          return new Stage.Output(Map.of(TABLE, Stage.inYears(counts, parts)),
              Quarantine.of(TABLE, Stage.inYears(result.refused(), parts), col(YEAR)));
        });
  }

  /** Counts for the silver table, and the records refused to the quarantine. */
  public record Result(Dataset<Row> counts, Dataset<Row> refused) {}

  public static Result build(Dataset<Row> registration, Dataset<Row> occurrence,
      Dataset<Row> municipalities) {
    Dataset<Row> byRegistration = rowsOfAreas(registration
        .withColumn(YEAR, col(InegiCubeSource.REGISTRATION_YEAR)), REGISTRATION);
    Dataset<Row> byOccurrence = rowsOfAreas(occurrence
        .where(col(InegiCubeSource.AGE_GROUP).equalTo("Total")
            .and(col(InegiCubeSource.SEX).equalTo("Total")))
        .withColumn(YEAR, col(InegiCubeSource.OCCURRENCE_YEAR)), OCCURRENCE);
    Dataset<Row> areas = byRegistration.unionByName(byOccurrence);

    Dataset<Row> known = municipalities.select(col(Municipalities.MUNICIPALITY_CODE).as("known"),
        col(Municipalities.STABLE_CODE));
    Column code = col(InegiCubeSource.MUNICIPALITY_CODE);
    Column state = col(STATE_CODE).cast("int");
    Dataset<Row> municipalRows = areas
        .where(col(AREA_KIND).equalTo("MUNICIPALITY"))
        .join(known, code.equalTo(col("known")), "left")
        .withColumn(UNIT_KIND, when(state.geq(33), lit(ABROAD))
            .when(code.endsWith("999"), lit(UNSPECIFIED_MUNICIPALITY))
            .when(col("known").isNotNull(), lit(MUNICIPALITY)));
    Dataset<Row> refused = municipalRows.where(col(UNIT_KIND).isNull())
        .withColumn(Quarantine.RECORD, concat_ws(" ", code, col(InegiCubeSource.AREA_NAME),
            concat(lit("homicides="), col(HOMICIDES)), concat(lit("basis="), col(BASIS))))
        .withColumn(Quarantine.REASON, concat(lit("municipality code "), code,
            lit(" is in no municipality catalogue; its homicides stay in the state's "
                + "unallocated unit ("), col(STATE_CODE), lit("000)")));
    Dataset<Row> units = municipalRows.where(col(UNIT_KIND).isNotNull())
        .groupBy(code.as(UNIT_CODE), col(UNIT_KIND), col(STATE_CODE), col(Municipalities.STABLE_CODE),
            col(YEAR), col(BASIS), col(Lineage.SOURCE_FILE))
        .agg(sum(HOMICIDES).as(HOMICIDES))
        .withColumn(Municipalities.STABLE_CODE, when(col(UNIT_KIND).equalTo(MUNICIPALITY),
            col(Municipalities.STABLE_CODE)));
    Dataset<Row> counts = units.unionByName(unallocated(areas, units))
        .select(col(UNIT_CODE), col(UNIT_KIND), col(STATE_CODE), col(Municipalities.STABLE_CODE),
            col(YEAR), col(BASIS), col(HOMICIDES), col(Lineage.SOURCE_FILE),
            lit(INEGI_CUBE).as(SOURCE))
        .where(col(HOMICIDES).gt(0));
    return new Result(counts, refused);
  }

  /**
   * The counts of INEGI's aggregate exports only: the panel and its reconciliation read these,
   * as the certificates cover only some places and years and would count deaths twice.
   */
  public static Dataset<Row> ofCubes(Dataset<Row> homicides) {
    return homicides.where(col(SOURCE).equalTo(INEGI_CUBE));
  }

  private static Dataset<Row> rowsOfAreas(Dataset<Row> bronze, String basis) {
    return bronze.select(col(AREA_KIND), col(InegiCubeSource.STATE_CODE).as(STATE_CODE),
        col(InegiCubeSource.MUNICIPALITY_CODE), col(InegiCubeSource.AREA_NAME), col(YEAR),
        lit(basis).as(BASIS), col(HOMICIDES), col(Lineage.SOURCE_FILE), col(Lineage.LINE_NUMBER),
        col(Lineage.RUN_ID), col(Lineage.LOAD_TIME));
  }

  /** What each state subtotal holds beyond the units kept for its municipality rows. */
  private static Dataset<Row> unallocated(Dataset<Row> areas, Dataset<Row> units) {
    Dataset<Row> subtotals = areas.where(col(AREA_KIND).equalTo("STATE_SUBTOTAL"))
        .groupBy(STATE_CODE, YEAR, BASIS, Lineage.SOURCE_FILE)
        .agg(sum(HOMICIDES).as("subtotal"));
    Dataset<Row> allocated = units
        .withColumn(STATE_CODE, when(col(STATE_CODE).cast("int").geq(33), lit("33"))
            .otherwise(col(STATE_CODE)))
        .groupBy(STATE_CODE, YEAR, BASIS, Lineage.SOURCE_FILE)
        .agg(sum(HOMICIDES).as("allocated"));
    return subtotals.join(allocated, new String[] {STATE_CODE, YEAR, BASIS, Lineage.SOURCE_FILE},
            "left")
        .select(concat(col(STATE_CODE), lit("000")).as(UNIT_CODE),
            when(col(STATE_CODE).cast("int").geq(33), lit(ABROAD))
                .otherwise(lit(STATE_UNALLOCATED)).as(UNIT_KIND),
            col(STATE_CODE), lit(null).cast("string").as(Municipalities.STABLE_CODE), col(YEAR),
            col(BASIS), col(Lineage.SOURCE_FILE),
            col("subtotal").minus(coalesce(col("allocated"), lit(0L))).as(HOMICIDES));
  }
}
