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

  /** Refused bronze rows with their lineage, the record as text and why. */
  static Dataset<Row> refused(Dataset<Row> bronzeRows, Column record, Column reason) {
    return bronzeRows.select(col(Lineage.SOURCE_FILE), col(Lineage.LINE_NUMBER),
        record.cast("string").as(Quarantine.RECORD), reason.as(Quarantine.REASON),
        col(Lineage.RUN_ID), col(Lineage.LOAD_TIME));
  }
}
