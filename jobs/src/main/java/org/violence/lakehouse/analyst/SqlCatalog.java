package org.violence.lakehouse.analyst;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.violence.lakehouse.catalog.Tables;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.quality.QualityGate;
import org.violence.lakehouse.run.RunLog;

/**
 * Names the lakehouse's tables for SQL: one database per layer ({@code bronze}, {@code silver},
 * {@code gold}, {@code ops}) and each table under its own name, {@code silver.homicides}, as in
 * the logs. Each is registered as an external Delta table over its folder, not as a view, so
 * that Delta time travel ({@code VERSION AS OF}, {@code TIMESTAMP AS OF}) works on the name.
 * Registering reads each table's log and writes nothing to it: no version moves.
 */
public final class SqlCatalog {
  private SqlCatalog() {}

  /** Every table SQL users may query: the pipeline's, and the run log and quality checks. */
  public static List<Table> tables() {
    List<Table> tables = new ArrayList<>(Tables.all());
    tables.addAll(List.of(RunLog.RUNS, RunLog.TABLES, QualityGate.TABLE));
    return tables;
  }

  /**
   * Registers the tables of {@code lakehouse} that exist (the run log appears only after a
   * nightly run), replacing any earlier registration of the same names; returns their names.
   */
  public static List<String> register(Lakehouse lakehouse) {
    SparkSession spark = lakehouse.spark();
    spark.sparkContext().setJobDescription("register the lakehouse tables for SQL");
    for (Table.Layer layer : Table.Layer.values()) {
      spark.sql("CREATE DATABASE IF NOT EXISTS " + layer.folder() + " COMMENT '"
          + layer.name().toLowerCase() + " layer of the lakehouse at " + quoted(lakehouse.root())
          + "'");
    }
    List<String> registered = new ArrayList<>();
    for (Table table : tables()) {
      if (!lakehouse.exists(table)) {
        continue;
      }
      // The table is external: dropping the name leaves the Delta folder untouched.
      spark.sql("DROP TABLE IF EXISTS " + table.qualifiedName());
      spark.sql("CREATE TABLE " + table.qualifiedName() + " USING DELTA LOCATION '"
          + quoted(lakehouse.path(table)) + "'");
      registered.add(table.qualifiedName());
    }
    return registered;
  }

  private static String quoted(String text) {
    return text.replace("\\", "\\\\").replace("'", "\\'");
  }
}
