package org.violence.lakehouse.analyst;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.io.FileUtils;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.SparkSessions;

/**
 * Sessions for the SQL commands. The catalog they fill (layer databases, table names) is
 * derived from the lakehouse at every start, so it lives in a scratch folder deleted at exit:
 * never a {@code spark-warehouse} or {@code metastore_db} in the working directory, and never a
 * second source of truth next to the Delta logs.
 */
final class SqlSessions {
  private SqlSessions() {}

  /** Spark's in-memory catalog: enough for the SQL shell, notebooks and the report. */
  static SparkSession plain(LakehouseConfig config) {
    return SparkSessions.create(config.spark(), new SparkConf()
        .set("spark.sql.warehouse.dir", scratch("lakehouse-sql").resolve("warehouse").toUri()
            .toString()));
  }

  /**
   * A session for the JDBC endpoint listening on {@code host:port}; read-only unless
   * {@code allowWrites}. Its catalog is Spark's in-memory one, like the shell's: a Hive
   * metastore (Derby) added 9 s to the start and held nothing the Delta logs do not.
   */
  static SparkSession forEndpoint(LakehouseConfig config, String host, int port,
      boolean allowWrites) {
    Path scratch = scratch("lakehouse-thrift");
    // The server's own Hive client for execution writes a Derby log: not in the working folder.
    System.setProperty("derby.stream.error.file", scratch.resolve("derby.log").toString());
    SparkConf conf = new SparkConf()
        .set("spark.sql.warehouse.dir", scratch.resolve("warehouse").toUri().toString())
        .set("spark.hadoop.hive.server2.thrift.bind.host", host)
        .set("spark.hadoop.hive.server2.thrift.port", Integer.toString(port))
        .set("spark.hadoop.hive.server2.transport.mode", "binary");
    if (!allowWrites) {
      conf.set("spark.sql.extensions", ReadOnlySql.class.getName());
    }
    return SparkSessions.create(config.spark(), conf);
  }

  private static Path scratch(String prefix) {
    try {
      Path folder = Files.createTempDirectory(prefix);
      File file = folder.toFile();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> FileUtils.deleteQuietly(file)));
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a scratch folder for the SQL catalog", e);
    }
  }
}
