package org.violence.lakehouse.analyst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.ChildJvm;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.model.PanelModel;

/**
 * The real {@code serve} command, in its own JVM (it needs a session with Hive support, which
 * the suite's shared session has not), on a free loopback port over the small real run; Hive's
 * own JDBC driver connects as a BI tool would: it gets the rows the SQL shell prints, the
 * tables' columns from the driver's metadata, one-line errors, and no way to write.
 */
class ThriftEndpointTest extends LakehouseTestBase {
  private static final String QUERY = "SELECT state_code, year, SUM(homicides_registration) AS h,"
      + " SUM(population) AS p FROM gold.municipality_year_panel GROUP BY state_code, year"
      + " ORDER BY state_code, year";

  @Test
  void jdbcClientReadsTheSameRowsAsTheShellOverLoopbackOnly() throws Exception {
    // A copy whose model runs have a second version: Delta lets a RESTORE to the version a
    // table is at pass as a no-op, so only a restore that would change something tests the
    // refusal (a fresh run creates each table in one version).
    RealRun run = copyOf(smallRun());
    run.lakehouse().replace(PanelModel.RUNS, run.lakehouse().read(PanelModel.RUNS)
        .localCheckpoint(), run.lakehouse().buildState(PanelModel.RUNS));
    int port = freePort();
    Path log = Files.createTempFile("serve", ".log");
    // A cold JVM that answers a few queries over a small run and exits, as a killed run is:
    // 17.4 and 18.5 s against 23.5 and 23.1 s for this test (jobs/BENCHMARKS.md).
    Process server = ChildJvm.builder(System.getProperty("java.class.path"), Map.of(),
        ChildJvm.briefColdRun(),
        "org.violence.lakehouse.cli.Main", List.of("serve", "--lakehouse",
            run.config().lakehouse(), "--port", Integer.toString(port)))
        .redirectOutput(log.toFile()).start();
    try {
      waitForListening(server, log);
      String url = ThriftEndpoint.jdbcUrl(ThriftEndpoint.LOOPBACK, port);
      List<String> overJdbc = new ArrayList<>();
      try (Connection connection = DriverManager.getConnection(url, "analyst", "");
           Statement statement = connection.createStatement()) {
        try (ResultSet rows = statement.executeQuery(QUERY)) {
          while (rows.next()) {
            // Text as the shell prints it; population sums are doubles, compared exactly.
            overJdbc.add(rows.getString(1) + "," + rows.getString(2) + "," + rows.getString(3)
                + "," + rows.getString(4));
          }
        }
        try (ResultSet versioned = statement.executeQuery("SELECT COUNT(*) FROM "
            + "gold.model_runs VERSION AS OF 0")) {
          Assertions.assertTrue(versioned.next());
          assertEquals(run.config().models().size(), versioned.getLong(1));
        }
        // One sentence for the client, as the shell prints it, not the server's stack trace.
        SQLException missing = assertThrows(SQLException.class,
            () -> statement.executeQuery("SELECT * FROM gold.no_such_table"));
        assertEquals("[TABLE_OR_VIEW_NOT_FOUND] The table or view `gold`.`no_such_table` cannot "
            + "be found. Verify the spelling and correctness of the schema and catalog.",
            missing.getMessage());

        // Read-only unless serve was told otherwise: every shape of write is refused before it
        // runs, and no table's version moves.
        long version = run.lakehouse().version(PanelModel.RUNS);
        for (String write : List.of("DELETE FROM gold.model_runs",
            "UPDATE gold.model_runs SET converged = false",
            "INSERT INTO gold.model_runs SELECT * FROM gold.model_runs",
            "MERGE INTO gold.model_runs t USING gold.model_runs s ON t.model = s.model "
                + "WHEN MATCHED THEN DELETE",
            "DROP TABLE gold.model_runs", "OPTIMIZE gold.model_runs",
            "RESTORE TABLE gold.model_runs TO VERSION AS OF 0")) {
          SQLException refused = assertThrows(SQLException.class, () -> statement.execute(write),
              write);
          Assertions.assertTrue(refused.getMessage().startsWith("this endpoint is read-only: ")
              && refused.getMessage().lines().count() == 1, write + ": " + refused.getMessage());
        }
        assertEquals(version, run.lakehouse().version(PanelModel.RUNS));
        assertColumnsAsInDelta(connection.getMetaData(), run);
        for (String reading : List.of("DESCRIBE HISTORY gold.model_runs", "SHOW TABLES IN gold",
            "DESCRIBE gold.model_runs", "CREATE TEMPORARY VIEW mine AS SELECT 1 AS one")) {
          statement.execute(reading);
        }
      }

      SqlCatalog.register(run.lakehouse());
      ByteArrayOutputStream csv = new ByteArrayOutputStream();
      Assertions.assertTrue(new SqlShell(spark(), SqlShell.Format.CSV, new PrintStream(csv, true,
          StandardCharsets.UTF_8), System.err).execute(QUERY));
      List<String> inShell = csv.toString(StandardCharsets.UTF_8).lines().skip(1).toList();
      assertEquals(32 * SMALL_YEARS.overlap(SMALL_YEARS).count(), overJdbc.size());
      assertEquals(inShell, overJdbc);

      for (InetAddress address : nonLoopbackAddresses()) {
        assertThrows(IOException.class, () -> {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
          }
        }, "the endpoint must not be reachable on " + address);
      }
    } finally {
      server.destroy();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  /**
   * What a BI tool's navigator shows: every registered table, each with its Delta columns in
   * order, typed, with the comment the pipeline wrote.
   */
  private static void assertColumnsAsInDelta(DatabaseMetaData metadata, RealRun run)
      throws SQLException {
    List<String> tables = new ArrayList<>();
    try (ResultSet listed = metadata.getTables(null, "%", "%", null)) {
      while (listed.next()) {
        tables.add(listed.getString("TABLE_SCHEM") + "." + listed.getString("TABLE_NAME"));
      }
    }
    List<String> registered = SqlCatalog.tables().stream()
        .filter(table -> run.lakehouse().exists(table)).map(Table::qualifiedName).sorted()
        .toList();
    assertEquals(registered, tables.stream().sorted().toList());

    StructType panel = run.lakehouse().read(MunicipalityYearPanel.TABLE).schema();
    List<String> expected = new ArrayList<>();
    for (StructField field : panel.fields()) {
      expected.add(field.name() + " " + field.dataType().simpleString().toUpperCase()
          + " " + field.getComment().get());
    }
    List<String> overJdbc = new ArrayList<>();
    try (ResultSet columns = metadata.getColumns(null, "gold", "municipality_year_panel", "%")) {
      while (columns.next()) {
        overJdbc.add(columns.getString("COLUMN_NAME") + " " + columns.getString("TYPE_NAME")
            + " " + columns.getString("REMARKS"));
      }
    }
    assertEquals(expected, overJdbc);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void waitForListening(Process server, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      String printed = Files.readString(log);
      if (printed.contains("JDBC endpoint listening")) {
        return;
      }
      if (!server.isAlive()) {
        throw new AssertionError("serve exited with " + server.exitValue() + ":\n" + printed);
      }
      Thread.sleep(250);
    }
    throw new AssertionError("serve did not start in 120 s:\n" + Files.readString(log));
  }

  private static List<InetAddress> nonLoopbackAddresses() throws IOException {
    List<InetAddress> addresses = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        Collections.list(nic.getInetAddresses()).stream()
            .filter(a -> a instanceof Inet4Address).forEach(addresses::add);
      }
    }
    return addresses;
  }
}
