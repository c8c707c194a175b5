package org.violence.lakehouse.centralamerica;

import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.silver.Municipalities;

/**
 * Changes of administrative units, one row per predecessor-successor pair. A split (Mexico: a
 * new municipality carved out of an existing one) is a row from the unit that lost territory to
 * the new one; a merger (El Salvador 2024: 262 municipalities into 44) is one row from each old
 * unit to the new one. Either way every row links a finer unit to a coarser one that contains
 * it, which is all a stable geography needs: the stable unit of a unit is the end of its chain
 * of coarser units (the parent for a split, the merged unit for a merger).
 */
final class UnitChanges {
  public static final String PREDECESSOR = "predecessor_code";
  public static final String SUCCESSOR = "successor_code";
  public static final String KIND = "change_kind";
  public static final String EFFECTIVE_YEAR = "effective_year";
  public static final String METHOD = "method";
  public static final String EVIDENCE = "evidence";
  public static final String SPLIT = "split";
  public static final String MERGER = "merger";

  public static final Table TABLE = Table.in(Table.Layer.SILVER, "unit_changes")
      .describedAs("Splits and mergers of administrative units: predecessor -> successor, with "
          + "the year and the evidence")
      .sourcedFrom("Split lineage of silver.municipalities (INEGI, CONAPO, decrees); mergers when declared")
      .column(GeographicUnits.COUNTRY_CODE, DataTypes.StringType, "ISO 3166-1 alpha-3")
      .column(GeographicUnits.ADMIN_LEVEL, DataTypes.IntegerType, "1 = state/department, "
          + "2 = municipality")
      .column(PREDECESSOR, DataTypes.StringType, "Unit before the change (split: the unit that "
          + "lost territory; merger: one of the merged units)")
      .column(SUCCESSOR, DataTypes.StringType, "Unit after the change (split: the new unit; "
          + "merger: the new merged unit)")
      .column(KIND, DataTypes.StringType, "split or merger")
      .column(EFFECTIVE_YEAR, DataTypes.IntegerType, "First year the successor exists (for "
          + "Mexican splits: the first census or count that lists it)")
      .column(METHOD, DataTypes.StringType, "How the link is known: official_decree, "
          + "conapo_backprojection, census_population_drop, or a law's name")
      .column(EVIDENCE, DataTypes.StringType, "People moved by the method's measure, or the "
          + "decree")
      .expect(uniqueKey(GeographicUnits.COUNTRY_CODE,
          GeographicUnits.ADMIN_LEVEL, PREDECESSOR, SUCCESSOR))
      .build();

  /** Longest chain of changes followed when resolving stable units. */
  private static final int MAX_GENERATIONS = 8;

  private UnitChanges() {}

  /** Mexico's splits as recorded in the municipality dimension. */
  static Dataset<Row> ofMexicanSplits(Dataset<Row> municipalities) {
    return municipalities.where(col(Municipalities.PARENT_CODE).isNotNull()).select(
        lit(Countries.MEXICO).as(GeographicUnits.COUNTRY_CODE),
        lit(2).as(GeographicUnits.ADMIN_LEVEL),
        col(Municipalities.PARENT_CODE).as(PREDECESSOR),
        col(Municipalities.MUNICIPALITY_CODE).as(SUCCESSOR), lit(SPLIT).as(KIND),
        col(Municipalities.FIRST_VINTAGE).cast("int").as(EFFECTIVE_YEAR),
        col(Municipalities.PARENT_METHOD).as(METHOD),
        col(Municipalities.PARENT_EVIDENCE).cast("string").as(EVIDENCE));
  }

  /**
   * Each unit with {@code stable_unit_code}: the coarsest unit its chain of changes leads to
   * (itself when it never changed). {@code units} has country_code, admin_level, unit_code.
   */
  public static Dataset<Row> withStableUnits(Dataset<Row> units, Dataset<Row> changes) {
    Column finer = when(col(KIND).equalTo(SPLIT), col(SUCCESSOR)).otherwise(col(PREDECESSOR));
    Column coarser = when(col(KIND).equalTo(SPLIT), col(PREDECESSOR)).otherwise(col(SUCCESSOR));
    Dataset<Row> containedIn = broadcast(changes).select(
        col(GeographicUnits.COUNTRY_CODE).as("c_country"),
        col(GeographicUnits.ADMIN_LEVEL).as("c_level"), finer.as("c_finer"),
        coarser.as("c_coarser"));
    Dataset<Row> resolved = units.withColumn(GeographicUnits.STABLE_CODE,
        col(GeographicUnits.UNIT_CODE));
    for (int generation = 0; generation < MAX_GENERATIONS; generation++) {
      resolved = resolved.join(containedIn, col(GeographicUnits.COUNTRY_CODE)
              .equalTo(col("c_country")).and(col(GeographicUnits.ADMIN_LEVEL)
                  .equalTo(col("c_level"))).and(col(GeographicUnits.STABLE_CODE)
                  .equalTo(col("c_finer"))), "left")
          .withColumn(GeographicUnits.STABLE_CODE,
              coalesce(col("c_coarser"), col(GeographicUnits.STABLE_CODE)))
          .drop("c_country", "c_level", "c_finer", "c_coarser");
    }
    return resolved;
  }
}
