package org.violence.lakehouse.analyst;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogDatabase;
import org.apache.spark.sql.catalyst.catalog.CatalogStorageFormat;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.violence.lakehouse.catalog.Tables;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.SparkSessions;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.quality.QualityGate;
import org.violence.lakehouse.run.RunLog;
import scala.Option;
import scala.collection.immutable.Map$;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Names the lakehouse's tables for SQL: one database per layer ({@code bronze}, {@code silver},
 * {@code gold}, {@code ops}) and each table under its own name, {@code silver.homicides}, as in
 * the logs. Each is registered as an external Delta table over its folder, not as a view, so
 * that Delta time travel ({@code VERSION AS OF}, {@code TIMESTAMP AS OF}) works on the name.
 *
 * <p>The catalog entry carries the table's columns (types and comments) and description as the
 * Delta log holds them at registration. Delta's own {@code CREATE TABLE} leaves the columns out
 * of the catalog, so BI tools saw tables without columns over JDBC ({@code getColumns} reads the
 * catalog); it also re-validates the whole table, which made registering 58 tables take 13 s.
 * Queries still read the schema from the Delta log, never from this copy. Registering writes
 * nothing to the tables: no version moves.
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
    return SparkSessions.describingJobs(lakehouse.spark(),
        "register the lakehouse tables for SQL", () -> registerTables(lakehouse));
  }

  private static List<String> registerTables(Lakehouse lakehouse) {
    SparkSession spark = lakehouse.spark();
    // Through the catalog's API, not SQL: a read-only session (ReadOnlySql) refuses the DDL.
    SessionCatalog catalog = spark.sessionState().catalog();
    for (Table.Layer layer : Table.Layer.values()) {
      catalog.createDatabase(new CatalogDatabase(layer.folder(), layer.name().toLowerCase()
          + " layer of the lakehouse at " + lakehouse.root(),
          catalog.getDefaultDBPath(layer.folder()), Map$.MODULE$.empty()), true);
    }
    List<String> registered = new ArrayList<>();
    for (Table table : tables()) {
      if (!lakehouse.exists(table)) {
        continue;
      }
      CatalogTable entry = entry(table, lakehouse.path(table),
          DeltaLog.forTable(spark, lakehouse.path(table))
              .update(false, Option.empty(), Option.empty()));
      // The table is external: dropping the name leaves the Delta folder untouched.
      catalog.dropTable(entry.identifier(), true, false);
      catalog.createTable(entry, false, false);
      registered.add(table.qualifiedName());
    }
    return registered;
  }

  private static CatalogTable entry(Table table, String location, Snapshot snapshot) {
    Seq<String> none = JavaConverters.asScalaBuffer(List.<String>of()).toSeq();
    CatalogStorageFormat storage = CatalogStorageFormat.empty()
        .copy(Option.apply(new org.apache.hadoop.fs.Path(location).toUri()), Option.empty(),
            Option.empty(), Option.empty(), false, Map$.MODULE$.empty());
    // Partition columns stay out of the entry: Delta keeps its own, and Spark's catalog
    // insists that they be the schema's last columns, which ours are not.
    return new CatalogTable(new TableIdentifier(table.name(), Option.apply(table.layer().folder())),
        CatalogTableType.EXTERNAL(), storage, snapshot.schema(), Option.apply("delta"),
        none, Option.empty(), "", System.currentTimeMillis(), -1L, "",
        Map$.MODULE$.empty(), Option.empty(), Option.empty(),
        Option.apply(snapshot.metadata().description()), none, false, true,
        Map$.MODULE$.empty(), Option.empty());
  }
}
