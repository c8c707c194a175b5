package org.violence.lakehouse.centralamerica;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;

/** Shapes rows for the tables and the quarantine of this package. */
final class TableRows {
  private TableRows() {}

  /** The table's declared columns, in its declared order and types. */
  static Dataset<Row> as(Table table, Dataset<Row> rows) {
    return rows.select(Arrays.stream(table.schema().fields())
        .map(f -> col(f.name()).cast(f.dataType()).as(f.name())).toArray(Column[]::new));
  }

  /** Refused bronze rows with their lineage, the record as text and why. */
  static Dataset<Row> refused(Dataset<Row> bronzeRows, Column record, Column reason) {
    return bronzeRows.select(col(Lineage.SOURCE_FILE), col(Lineage.LINE_NUMBER),
        record.cast("string").as(Quarantine.RECORD), reason.as(Quarantine.REASON),
        col(Lineage.RUN_ID), col(Lineage.LOAD_TIME));
  }
}
