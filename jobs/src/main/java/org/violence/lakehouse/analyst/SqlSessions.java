package org.violence.lakehouse.analyst;

import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.SparkSessions;

/**
 * Sessions for the SQL commands. The catalog they fill (layer databases, table names) is
 * derived from the lakehouse at every start, so it lives in a scratch folder deleted at exit
 * ({@link SparkSessions#conf}): never a {@code spark-warehouse} or {@code metastore_db} in the
 * working directory, and never a second source of truth next to the Delta logs.
 */
final class SqlSessions {
  private SqlSessions() {}

  /** Spark's in-memory catalog: enough for the SQL shell, notebooks and the report. */
  static SparkSession plain(LakehouseConfig config) {
    return SparkSessions.create(config.spark());
  }

  /**
   * A session for the JDBC endpoint listening on {@code host:port}; read-only unless
   * {@code allowWrites}. Its catalog is Spark's in-memory one, like the shell's: a Hive
   * metastore (Derby) added 9 s to the start and held nothing the Delta logs do not.
   */
  static SparkSession forEndpoint(LakehouseConfig config, String host, int port,
      boolean allowWrites) {
    Path scratch = SparkSessions.scratchFolder("lakehouse-thrift");
    // The server's own Hive client for execution writes a Derby log: not in the working folder.
    System.setProperty("derby.stream.error.file", scratch.resolve("derby.log").toString());
    SparkConf conf = new SparkConf()
        .set("spark.hadoop.hive.server2.thrift.bind.host", host)
        .set("spark.hadoop.hive.server2.thrift.port", Integer.toString(port))
        .set("spark.hadoop.hive.server2.transport.mode", "binary");
    if (!allowWrites) {
      conf.set("spark.sql.extensions", ReadOnlySql.class.getName());
    }
    return SparkSessions.create(config.spark(), conf);
  }
}
