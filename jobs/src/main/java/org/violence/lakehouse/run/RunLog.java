package org.violence.lakehouse.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;

/**
 * The record of every run, in Delta: one row per run (written when it starts, completed when it
 * ends, so a killed run stays visible as RUNNING until the next run marks it ABANDONED) and one
 * row per table it touched or found up to date.
 */
public final class RunLog {
  public static final String RUN_ID = "run_id";
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  public static final Table RUNS = Table.in(Table.Layer.OPS, "run_log")
      .describedAs("One row per pipeline run: when, what it did, how it ended")
      .column(RUN_ID, DataTypes.StringType, "Run identifier (UTC start time and a random suffix)")
      .column("command", DataTypes.StringType, "Command line command: run or nightly")
      .column("started_at", DataTypes.TimestampType, "Start (UTC)")
      .column("finished_at", DataTypes.TimestampType,
          "End (UTC); empty while running or if the run was killed")
      .column("status", DataTypes.StringType,
          "RUNNING, SUCCEEDED, UP_TO_DATE (nothing to do), BAD_INPUT, BAD_CONFIG, "
          + "QUALITY_GATE_FAILED, FAILED (internal), ABANDONED (killed; found by a later run)")
      .column("exit_code", DataTypes.IntegerType, "Process exit code (see --help)")
      .column("error", DataTypes.StringType, "The error's message when the run failed")
      .column("tables_written", DataTypes.IntegerType, "Number of tables the run changed")
      .build();

  public static final Table TABLES = Table.in(Table.Layer.OPS, "run_tables")
      .describedAs("Per run and table: what the run did to the table")
      .column(RUN_ID, DataTypes.StringType, "Run identifier")
      .column("table_name", DataTypes.StringType, "Qualified table name")
      .column("action", DataTypes.StringType, "written, or unchanged (its inputs had not changed)")
      .column("parts", DataTypes.StringType, "Parts rebuilt: all, or the years")
      .column("rows_read", DataTypes.LongType,
          "Rows in the stage's input tables (bronze: empty, see rows_written "
          + "and rows_quarantined for the lines parsed)")
      .column("rows_written", DataTypes.LongType,
          "Rows written by the commit (Delta operation metrics)")
      .column("rows_quarantined", DataTypes.LongType,
          "Records this stage sent to bronze.quarantine")
      .column("delta_version", DataTypes.LongType, "Table version after the run")
      .build();



  /** What a run did to one table. */
  public record TableReport(String table, String action, String parts, Long rowsRead,
      Long rowsWritten, Long rowsQuarantined, long version) {
    static TableReport unchanged(Table table, long version) {
      return new TableReport(table.qualifiedName(), "unchanged", null, null, null, null, version);
    }
  }

  /** How a run ended. */
  public record Ending(String status, int exitCode, String error) {}

  private final Lakehouse lakehouse;
  private final String runId;
  private final String command;
  private final Timestamp startedAt;

  public RunLog(Lakehouse lakehouse, String runId, String command, Instant startedAt) {
    this.lakehouse = lakehouse;
    this.runId = runId;
    this.command = command;
    this.startedAt = Timestamp.from(startedAt);
  }

  public void started() {
    lakehouse.append(RUNS, lakehouse.spark().createDataFrame(List.of(RowFactory.create(runId,
        command, startedAt, null, "RUNNING", null, null, null)), RUNS.schema()));
  }

  /** Run identifiers sort by start time and never collide. */
  public static String newRunId(Instant start) {
    return RUN_ID_TIME.format(start) + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Marks a run that held the lock and died without finishing. A run killed before its start
   * was logged (the start is written beside the input scan, before any table is) gets its row
   * now, its start read from its identifier.
   */
  public void abandoned(String deadRunId) {
    Column dead = col(RUN_ID).equalTo(deadRunId);
    if (lakehouse.exists(RUNS) && !lakehouse.read(RUNS).where(dead).isEmpty()) {
      lakehouse.update(RUNS, dead.and(col("status").equalTo("RUNNING")),
          Map.of("status", lit("ABANDONED")));
      return;
    }
    Timestamp start;
    try {
      start = Timestamp.from(Instant.from(RUN_ID_TIME.parse(deadRunId.split("-")[0])));
    } catch (java.time.DateTimeException e) {
      start = null;
    }
    lakehouse.append(RUNS, lakehouse.spark().createDataFrame(List.of(RowFactory.create(
        deadRunId, null, start, null, "ABANDONED", null, null, null)), RUNS.schema()));
  }

  /** Completes the run's row and records its tables; called once per run. */
  public void finished(Ending ending, List<TableReport> tables) {
    if (!tables.isEmpty()) {
      lakehouse.append(TABLES, lakehouse.spark().createDataFrame(tables.stream()
          .map(t -> RowFactory.create(runId, t.table(), t.action(), t.parts(), t.rowsRead(),
              t.rowsWritten(), t.rowsQuarantined(), t.version())).toList(), TABLES.schema()));
    }
    int written = (int) tables.stream().filter(t -> t.action().equals("written")).count();
    lakehouse.update(RUNS, col(RUN_ID).equalTo(runId), Map.of(
        "finished_at", lit(Timestamp.from(Instant.now())),
        "status", lit(ending.status()),
        "exit_code", lit(ending.exitCode()),
        "error", lit(ending.error()).cast(DataTypes.StringType),
        "tables_written", lit(written)));
  }
}
