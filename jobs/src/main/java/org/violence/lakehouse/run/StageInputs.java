package org.violence.lakehouse.run;

import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;

/**
 * The tables a stage may read, handed to it by the runner: exactly those it declared, whose
 * fingerprints decide whether it is rebuilt. Reading any other table is an error, so that a
 * stage cannot come to depend on a table its fingerprint does not follow.
 */
public final class StageInputs {
  private final Lakehouse lakehouse;
  private final String stage;
  private final Set<Table> declared;

  StageInputs(Lakehouse lakehouse, String stage, Set<Table> declared) {
    this.lakehouse = lakehouse;
    this.stage = stage;
    this.declared = declared;
  }

  public Dataset<Row> read(Table table) {
    if (!declared.contains(table)) {
      throw new IllegalStateException("stage " + stage + " reads " + table.qualifiedName()
          + ", which it does not declare as an input: declare it, so that a change to it "
          + "rebuilds the stage");
    }
    return lakehouse.read(table);
  }
}
