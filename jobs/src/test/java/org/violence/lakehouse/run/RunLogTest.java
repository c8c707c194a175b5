package org.violence.lakehouse.run;

import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.io.Lakehouse;

/**
 * A run's start is logged beside its input scan, so a run can die before its row exists: the
 * run that recovers its lock still leaves one ABANDONED row for it, dated from its identifier,
 * as it does for a run that died mid-write.
 */
class RunLogTest extends LakehouseTestBase {
  @Test
  void everyAbandonedRunHasOneRowWhetherOrNotItsStartWasLogged() throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark(), Files.createTempDirectory("run-log").toString());
    String unlogged = "20261201T101500Z-deadbeef";
    RunLog recovering = new RunLog(lakehouse, RunLog.newRunId(Instant.now()), "nightly",
        Instant.now());
    recovering.abandoned(unlogged);

    String logged = RunLog.newRunId(Instant.parse("2026-12-01T11:00:00Z"));
    new RunLog(lakehouse, logged, "run", Instant.parse("2026-12-01T11:00:00Z")).started();
    recovering.abandoned(logged);

    List<Row> rows = lakehouse.read(RunLog.RUNS).orderBy("started_at")
        .select(RunLog.RUN_ID, "started_at", "status").collectAsList();
    Assertions.assertEquals(2, rows.size(), rows.toString());
    Assertions.assertEquals(unlogged, rows.get(0).getString(0));
    Assertions.assertEquals(Timestamp.from(Instant.parse("2026-12-01T10:15:00Z")),
        rows.get(0).getTimestamp(1));
    Assertions.assertEquals(List.of("ABANDONED", "ABANDONED"),
        rows.stream().map(row -> row.getString(2)).toList());
    Assertions.assertTrue(logged.startsWith("20261201T110000Z-"), logged);
  }
}
