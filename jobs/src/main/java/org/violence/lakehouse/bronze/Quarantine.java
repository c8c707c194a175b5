package org.violence.lakehouse.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;

/**
 * Records that could not enter a table, with the reason, so that nothing is dropped silently:
 * unparseable lines at bronze, unknown municipality codes at silver.
 */
public final class Quarantine {
  public static final String STAGE = "stage";
  public static final String RECORD = "record";
  public static final String REASON = "reason";
  public static final String PART = "part";

  public static final Table TABLE = Table.in(Table.Layer.BRONZE, "quarantine")
      .describedAs("Records refused by a stage of the pipeline, with the reason")
      .column(STAGE, "Table the record was meant for, e.g. bronze.population")
      .column(RECORD, "The record as it arrived (the raw line for bronze)")
      .column(REASON, "Why it was refused")
      .column(PART, "Part of the stage's table it was meant for: a year, or 'whole'; a rebuild of "
          + "that part replaces its quarantined records")
      .columns(Lineage.COMMENTS)
      .build();

  public static final StructType SCHEMA = new StructType()
      .add(STAGE, DataTypes.StringType, false)
      .add(Lineage.SOURCE_FILE, DataTypes.StringType, true)
      .add(Lineage.LINE_NUMBER, DataTypes.LongType, true)
      .add(RECORD, DataTypes.StringType, true)
      .add(REASON, DataTypes.StringType, false)
      .add(PART, DataTypes.StringType, false)
      .add(Lineage.RUN_ID, DataTypes.StringType, false)
      .add(Lineage.LOAD_TIME, DataTypes.TimestampType, false);

  private Quarantine() {}

  /**
   * Quarantine rows for records refused after bronze: {@code refused} has the lineage columns of
   * its bronze row, a {@code record} text and a {@code reason}; {@code part} says which part of
   * the stage's table each was meant for.
   */
  public static Dataset<Row> of(Table stage, Dataset<Row> refused, Column part) {
    return refused.select(lit(stage.qualifiedName()).as(STAGE), col(Lineage.SOURCE_FILE),
        col(Lineage.LINE_NUMBER), col(RECORD), col(REASON), part.cast("string").as(PART),
        col(Lineage.RUN_ID), col(Lineage.LOAD_TIME));
  }

  /** For stages built whole. */
  public static Dataset<Row> of(Table stage, Dataset<Row> refused) {
    return of(stage, refused, lit(org.violence.lakehouse.io.BuildState.WHOLE));
  }
}
