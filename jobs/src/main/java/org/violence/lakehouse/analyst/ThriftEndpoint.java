package org.violence.lakehouse.analyst;

import java.io.PrintStream;
import java.util.List;
import org.apache.hadoop.hive.common.ServerUtils;
import org.apache.hadoop.hive.conf.HiveConf;
import org.apache.hive.service.cli.CLIService;
import org.apache.hive.service.cli.HiveSQLException;
import org.apache.hive.service.cli.OperationHandle;
import org.apache.hive.service.Service;
import org.apache.hive.service.cli.thrift.ThriftBinaryCLIService;
import org.apache.hive.service.cli.thrift.ThriftCLIService;
import org.apache.hive.service.rpc.thrift.TExecuteStatementReq;
import org.apache.hive.service.rpc.thrift.TExecuteStatementResp;
import org.apache.hive.service.rpc.thrift.TGetOperationStatusReq;
import org.apache.hive.service.rpc.thrift.TGetOperationStatusResp;
import org.apache.hive.service.rpc.thrift.TStatus;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.hive.HiveUtils$;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.apache.spark.sql.hive.thriftserver.ReflectionUtils;
import org.apache.spark.sql.hive.thriftserver.ui.HiveThriftServer2EventManager;
import org.apache.thrift.TException;
import org.violence.lakehouse.io.Lakehouse;

/**
 * The JDBC/ODBC endpoint: Spark's Thrift server (the HiveServer2 protocol that beeline,
 * DBeaver, Tableau and Power BI speak) over the lakehouse tables, named as in the SQL shell.
 * It has no authentication and runs every statement as the process's user, so it listens on
 * loopback unless told otherwise, and its session is read-only unless told otherwise
 * ({@link ReadOnlySql}; README, "Analysts").
 *
 * <p>Spark's server is started here rather than by {@code HiveThriftServer2.startWithContext}
 * for one reason: Hive's protocol layer sends a failed statement's whole server stack trace as
 * its error message (70 lines for a misspelt table name), and only the protocol layer can be
 * told otherwise. The start is otherwise Spark's own, step for step.
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
   * Registers the tables in the lakehouse's session and starts the server; returns once it
   * accepts connections. The server lives as long as the session.
   */
  public static HiveThriftServer2 start(Lakehouse lakehouse, String host, int port,
      PrintStream out) {
    long start = System.nanoTime();
    List<String> tables = SqlCatalog.register(lakehouse);
    out.printf("Registered %d tables of %s (%.1f s)%n", tables.size(), lakehouse.root(),
        (System.nanoTime() - start) / 1e9);
    SQLContext sql = lakehouse.spark().sqlContext();
    SparkContext context = sql.sparkContext();
    HiveConf conf = HiveUtils$.MODULE$.newClientForExecution(context.conf(),
        sql.sparkSession().sessionState().newHadoopConf()).conf();
    ServerUtils.cleanUpScratchDir(conf);
    HiveThriftServer2 server = server(sql, conf);
    server.start();
    // Spark's operations report to this manager; without Spark's UI nothing else is needed.
    HiveThriftServer2.eventManager_$eq(new HiveThriftServer2EventManager(context));
    out.println("JDBC endpoint listening: " + jdbcUrl(host, port)
        + "  (e.g. beeline -u " + jdbcUrl(host, port) + "; stop with Ctrl-C)");
    out.flush();
    return server;
  }

  /**
   * Spark's server, initialised by Spark, with the protocol layer below put in place of Hive's
   * before it starts listening: the service list and the field HiveServer2 keeps it in.
   */
  private static HiveThriftServer2 server(SQLContext sql, HiveConf conf) {
    HiveThriftServer2 server = new HiveThriftServer2(sql);
    server.init(conf);
    ThriftCLIService hives = ReflectionUtils.getSuperField(server, "thriftCLIService");
    ThriftCLIService ours = new OneLineErrors(ReflectionUtils.getSuperField(server, "cliService"));
    ours.init(conf);
    ReflectionUtils.setSuperField(server, "thriftCLIService", ours);
    List<Service> services = ReflectionUtils.getAncestorField(server, 2, "serviceList");
    services.set(services.indexOf(hives), ours);
    return server;
  }

  /**
   * Hive's binary protocol, with a failed statement reported to the client as one sentence: the
   * first line of what Spark said, as the SQL shell prints it. The server log keeps the trace.
   */
  private static final class OneLineErrors extends ThriftBinaryCLIService {
    private final CLIService statements;

    OneLineErrors(CLIService statements) {
      super(statements);
      this.statements = statements;
    }

    @Override
    public TExecuteStatementResp ExecuteStatement(TExecuteStatementReq request)
        throws TException {
      TExecuteStatementResp response = super.ExecuteStatement(request);
      shorten(response.getStatus());
      return response;
    }

    @Override
    public TGetOperationStatusResp GetOperationStatus(TGetOperationStatusReq request)
        throws TException {
      TGetOperationStatusResp response = super.GetOperationStatus(request);
      if (response.isSetErrorMessage()) {
        try {
          HiveSQLException failure = statements.getOperationStatus(
              new OperationHandle(request.getOperationHandle())).getOperationException();
          response.setErrorMessage(SqlShell.oneLine(
              failure.getCause() == null ? failure : failure.getCause()));
        } catch (HiveSQLException gone) {
          // The operation was closed meanwhile: the first line of the trace is the message.
          response.setErrorMessage(SqlShell.oneLine(response.getErrorMessage(), ""));
        }
      }
      shorten(response.getStatus());
      return response;
    }

    /** A statement refused while it was being submitted: the message's first line, no trace. */
    private static void shorten(TStatus status) {
      if (status != null && status.isSetErrorMessage()) {
        status.setErrorMessage(SqlShell.oneLine(status.getErrorMessage(), ""));
        status.setInfoMessages(null);
      }
    }
  }
}
