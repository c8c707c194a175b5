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
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.ChildJvm;
import org.violence.lakehouse.LakehouseTestBase;

/**
 * The real {@code serve} command, in its own JVM (it needs a session with Hive support, which
 * the suite's shared session has not), on a free loopback port over the small real run; Hive's
 * own JDBC driver connects as a BI tool would and gets the rows the SQL shell prints.
 */
class ThriftEndpointTest extends LakehouseTestBase {
  private static final String QUERY = "SELECT state_code, year, SUM(homicides_registration) AS h,"
      + " SUM(population) AS p FROM gold.municipality_year_panel GROUP BY state_code, year"
      + " ORDER BY state_code, year";

  @Test
  void jdbcClientReadsTheSameRowsAsTheShellOverLoopbackOnly() throws Exception {
    RealRun run = smallRun();
    int port = freePort();
    Path log = Files.createTempFile("serve", ".log");
    Process server = ChildJvm.start(log, System.getProperty("java.class.path"), Map.of(),
        "org.violence.lakehouse.cli.Main", "serve", "--lakehouse", run.config().lakehouse(),
        "--port", Integer.toString(port));
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
        SQLException missing = assertThrows(SQLException.class,
            () -> statement.executeQuery("SELECT * FROM gold.no_such_table"));
        Assertions.assertTrue(missing.getMessage().contains("TABLE_OR_VIEW_NOT_FOUND"),
            missing.getMessage());
      }

      SqlCatalog.register(run.lakehouse());
      ByteArrayOutputStream csv = new ByteArrayOutputStream();
      Assertions.assertTrue(new SqlShell(spark(), SqlShell.Format.CSV, new PrintStream(csv, true,
          StandardCharsets.UTF_8)).execute(QUERY));
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
