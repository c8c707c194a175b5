package org.violence.lakehouse.analyst;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.conf.UsageException;
import org.violence.lakehouse.io.Lakehouse;

/**
 * The analysts' commands as the command line calls them ({@code sql}, {@code serve},
 * {@code notebook}, {@code report}); options arrive without their leading dashes.
 */
public final class AnalystCommands {
  /** Where the shipped notebooks are, relative to the project folder. */
  public static final String NOTEBOOKS = "notebooks";
  /** The SQL prompt's history, in the user's home folder. */
  static final String HISTORY_FILE = ".lakehouse_sql_history";
  /** Where {@code export} writes by default, inside the lakehouse folder. */
  static final String EXPORTS = "exports";
  private AnalystCommands() {}

  /**
   * {@code sql}: one query (--query), a file of statements (--file) or, with neither, the
   * interactive prompt on standard input. Returns false when a statement failed.
   */
  public static boolean sql(LakehouseConfig config, Map<String, String> options) {
    SqlShell.Format format = SqlShell.Format.named(options.getOrDefault("format", "table"));
    Lakehouse lakehouse = new Lakehouse(SqlSessions.plain(config), config.lakehouse());
    List<String> tables = SqlCatalog.register(lakehouse);
    SqlShell shell = new SqlShell(lakehouse.spark(), format, System.out, System.err);
    if (options.containsKey("query")) {
      return shell.execute(options.get("query"));
    }
    if (options.containsKey("file")) {
      return shell.execute(read(Path.of(options.get("file"))));
    }
    try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
      LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("lakehouse")
          .completer(new StringsCompleter(SqlShell.completions(lakehouse.spark(), tables)))
          .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"),
              HISTORY_FILE))
          // SQL's != and ! are operators, not history references.
          .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
          .build();
      shell.interactive(reader, "Lakehouse SQL on " + lakehouse.root() + ": " + tables.size()
          + " tables in databases bronze, silver, gold and ops.");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the terminal for the SQL prompt", e);
    }
    return true;
  }

  /** {@code serve}: the JDBC endpoint, read-only unless --allow-writes, until stopped. */
  public static void serve(LakehouseConfig config, Map<String, String> options)
      throws InterruptedException {
    String host = options.getOrDefault("bind", ThriftEndpoint.LOOPBACK);
    int port = port(options.getOrDefault("port", Integer.toString(ThriftEndpoint.DEFAULT_PORT)));
    Lakehouse lakehouse = new Lakehouse(SqlSessions.forEndpoint(config, host, port,
        options.containsKey("allow-writes")), config.lakehouse());
    ThriftEndpoint.start(lakehouse, host, port, System.out);
    new CountDownLatch(1).await();
  }

  /**
   * {@code notebook}: runs the notebook of --file, or every notebook of {@code notebooks/}, and
   * writes each as HTML to {@code out} (a file for one notebook, else a folder; default
   * {@code <lakehouse>/reports/notebooks}). --params sets widget values; over every notebook,
   * each takes those it declares.
   */
  public static void notebook(LakehouseConfig config, Map<String, String> options, String out) {
    List<Path> files = options.containsKey("file") ? List.of(Path.of(options.get("file")))
        : Notebook.in(Path.of(NOTEBOOKS));
    Map<String, String> given = parameters(options.get("params"));
    List<Notebook> notebooks = files.stream().map(file -> Notebook.parse(
        file.getFileName().toString(), read(file))).toList();
    for (String key : given.keySet()) {
      if (notebooks.stream().noneMatch(notebook -> notebook.widgets().containsKey(key))) {
        throw new UsageException("--params: no notebook declares '" + key + "' (CREATE WIDGET)");
      }
    }
    Lakehouse lakehouse = new Lakehouse(SqlSessions.plain(config), config.lakehouse());
    SqlCatalog.register(lakehouse);
    NotebookRunner runner = new NotebookRunner(lakehouse.spark(), System.out);
    String folder = out != null && files.size() > 1 ? out
        : Report.defaultFolder(lakehouse) + "/notebooks";
    for (int i = 0; i < files.size(); i++) {
      Notebook notebook = notebooks.get(i);
      Map<String, String> own = new java.util.HashMap<>(given);
      own.keySet().retainAll(notebook.widgets().keySet());
      String html = runner.render(notebook, own);
      String target = out != null && files.size() == 1 ? out
          : folder + "/" + notebook.name().replaceAll("\\.sql$", "") + ".html";
      Html.write(lakehouse.spark().sparkContext().hadoopConfiguration(), target,
          html.getBytes(StandardCharsets.UTF_8));
      System.out.println("Notebook " + files.get(i) + " rendered to " + target);
    }
  }

  /** {@code first_year=2000,last_year=2010} as a map; null gives none. */
  static Map<String, String> parameters(String text) {
    Map<String, String> values = new java.util.LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return values;
    }
    for (String pair : text.split(",")) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new UsageException("--params takes NAME=VALUE,..., not '" + pair + "'");
      }
      values.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
    }
    return values;
  }

  /**
   * {@code export}: the tables of --tables (default: every gold table) as CSV with a schema
   * file each, into {@code out} (default {@code <lakehouse>/exports}), for pandas.
   */
  public static void export(LakehouseConfig config, Map<String, String> options, String out) {
    Lakehouse lakehouse = new Lakehouse(SqlSessions.plain(config), config.lakehouse());
    TableExport.export(lakehouse, TableExport.named(lakehouse, options.get("tables")),
        out == null ? lakehouse.root() + "/" + EXPORTS : out, System.out);
  }

  /** {@code report} (and the end of {@code nightly}): the HTML report of a lakehouse. */
  public static void report(LakehouseConfig config, String out) {
    report(new Lakehouse(SqlSessions.plain(config), config.lakehouse()), config, out);
  }

  public static void report(Lakehouse lakehouse, LakehouseConfig config, String out) {
    new Report(lakehouse, config, System.out).write(out == null
        ? Report.defaultFolder(lakehouse) : out);
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port > 0 && port < 65536) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--port takes a TCP port (1-65535), not '" + text + "'");
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e);
    }
  }
}
