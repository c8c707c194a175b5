package org.violence.lakehouse.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.io.Table;

/**
 * The tables a stage may read, handed to it by the runner: exactly those it declared, whose
 * fingerprints decide whether it is rebuilt. Reading any other table is an error, so that a
 * stage cannot come to depend on a table its fingerprint does not follow.
 */
public final class StageInputs {
  private final KeptInputs tables;
  private final String stage;
  private final Set<Table> declared;
  private final List<Dataset<Row>> computed = new ArrayList<>();

  StageInputs(KeptInputs tables, String stage, Set<Table> declared) {
    this.tables = tables;
    this.stage = stage;
    this.declared = declared;
  }

  public Dataset<Row> read(Table table) {
    return tables.read(declared(table));
  }

  /** The Delta version of a declared input, for results that record what they were fit on. */
  public long version(Table table) {
    return tables.version(declared(table));
  }

  /**
   * Rows the stage reads more than once, computed once, as the runner computes a stage's output:
   * a local checkpoint in local mode, a reliable one on a cluster, where a local checkpoint would
   * be lost with its executor. Freed when the stage's tables are written.
   */
  public Dataset<Row> computeOnce(Dataset<Row> rows) {
    Dataset<Row> once = tables.computeOnce(rows);
    synchronized (computed) {
      computed.add(once);
    }
    return once;
  }

  /**
   * Whether {@code rows} are rows this stage computed once; if so, they are the caller's from
   * now on (the runner's, which writes them and may keep them for later stages) and are not
   * freed with the stage.
   */
  boolean handOver(Dataset<Row> rows) {
    synchronized (computed) {
      return computed.removeIf(once -> once == rows);
    }
  }

  /** Frees what {@link #computeOnce} kept, once the stage is done with it. */
  void free() {
    synchronized (computed) {
      computed.forEach(tables::free);
      computed.clear();
    }
  }

  private Table declared(Table table) {
    if (!declared.contains(table)) {
      throw new IllegalStateException("stage " + stage + " reads " + table.qualifiedName()
          + ", which it does not declare as an input: declare it, so that a change to it "
          + "rebuilds the stage");
    }
    return table;
  }
}
