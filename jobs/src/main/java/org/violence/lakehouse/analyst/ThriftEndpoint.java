package org.violence.lakehouse.analyst;

import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.violence.lakehouse.io.Lakehouse;

/**
 * The JDBC/ODBC endpoint: Spark's Thrift server (the HiveServer2 protocol that beeline,
 * DBeaver, Tableau and Power BI speak) over the lakehouse tables, named as in the SQL shell.
 * It has no authentication and runs every statement as the process's user, so it listens on
 * loopback unless told otherwise (README, "Analysts").
 */
final class ThriftEndpoint {
  public static final String LOOPBACK = "127.0.0.1";
  public static final int DEFAULT_PORT = 10000;

  private ThriftEndpoint() {}

  /** The address a Hive JDBC client connects to. */
  public static String jdbcUrl(String host, int port) {
    return "jdbc:hive2://" + host + ":" + port + "/default";
  }

  /**
   * Registers the tables in the session (which must have Hive support) and starts the server;
   * returns once it accepts connections. The server lives as long as the session.
   */
  public static HiveThriftServer2 start(Lakehouse lakehouse, String host, int port,
      PrintStream out) {
    SparkSession spark = lakehouse.spark();
    long start = System.nanoTime();
    List<String> tables = SqlCatalog.register(lakehouse);
    out.printf("Registered %d tables of %s (%.1f s)%n", tables.size(), lakehouse.root(),
        (System.nanoTime() - start) / 1e9);
    HiveThriftServer2 server = HiveThriftServer2.startWithContext(spark.sqlContext());
    out.println("JDBC endpoint listening: " + jdbcUrl(host, port)
        + "  (e.g. beeline -u " + jdbcUrl(host, port) + "; stop with Ctrl-C)");
    out.flush();
    return server;
  }
}
