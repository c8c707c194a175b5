package org.violence.lakehouse.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;

/**
 * Records that could not enter a table, with the reason, so that nothing is dropped silently:
 * unparseable lines at bronze, unknown municipality codes at silver. A bronze table, declared
 * with the stage runner: the runner replaces a stage's refusals with each build of its parts.
 */
public final class Quarantine {
  public static final String STAGE = "stage";
  public static final String RECORD = "record";
  public static final String REASON = "reason";
  public static final String PART = "part";

  public static final Table TABLE = Table.in(Table.Layer.BRONZE, "quarantine")
      .describedAs("Records refused by a stage of the pipeline, with the reason")
      .column(STAGE, DataTypes.StringType, "Table the record was meant for, e.g. "
          + "bronze.population")
      .column(Lineage.SOURCE_FILE, DataTypes.StringType,
          Lineage.COMMENTS.get(Lineage.SOURCE_FILE))
      .column(Lineage.LINE_NUMBER, DataTypes.LongType, Lineage.COMMENTS.get(Lineage.LINE_NUMBER))
      .column(RECORD, DataTypes.StringType, "The record as it arrived (the raw line for bronze)")
      .column(REASON, DataTypes.StringType, "Why it was refused")
      .column(PART, DataTypes.StringType, "Part of the stage's table it was meant for: a year, "
          + "or 'whole'; a rebuild of that part replaces its quarantined records")
      .column(Lineage.RUN_ID, DataTypes.StringType, Lineage.COMMENTS.get(Lineage.RUN_ID))
      .column(Lineage.LOAD_TIME, DataTypes.TimestampType, Lineage.COMMENTS.get(Lineage.LOAD_TIME))
      .build();

  public static final StructType SCHEMA = TABLE.schema();

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

  /** A stage's refusals when it refuses nothing. */
  public static Dataset<Row> none(SparkSession spark) {
    return spark.createDataFrame(java.util.List.of(), SCHEMA);
  }

  /** For stages built whole. */
  public static Dataset<Row> of(Table stage, Dataset<Row> refused) {
    return of(stage, refused, lit(org.violence.lakehouse.io.BuildState.WHOLE));
  }
}
