package org.violence.lakehouse.centralamerica;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.io.Lineage;

/** Shapes the rows this package refuses for the quarantine. */
final class TableRows {
  private TableRows() {}

  /**
   * Rows that a stage splits between a table and the quarantine, cached: the runner's checkpoint
   * of the table computes them, and the quarantine's records are read back from them. Left a
   * plan, the quarantine computed the joins behind them a second time (13 of Central America's
   * silver stage's 52 Spark jobs in a small run).
   */
  static Dataset<Row> splitForQuarantine(Dataset<Row> matched) {
    return matched.persist();
  }

  /** Refused bronze rows with their lineage, the record as text and why. */
  static Dataset<Row> refused(Dataset<Row> bronzeRows, Column record, Column reason) {
    return bronzeRows.select(col(Lineage.SOURCE_FILE), col(Lineage.LINE_NUMBER),
        record.cast("string").as(Quarantine.RECORD), reason.as(Quarantine.REASON),
        col(Lineage.RUN_ID), col(Lineage.LOAD_TIME));
  }
}
