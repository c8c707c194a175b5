package org.violence.lakehouse.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.catalog.Tables;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.analyst.Report;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.run.RunLog;

/**
 * The scheduler's command on a built lakehouse: the first night draws the report that is
 * missing; a night with nothing changed moves no table, keeps the report as it is, and is
 * logged as UP_TO_DATE.
 */
class NightlyCommandTest extends LakehouseTestBase {
  @Test
  void aNightWithNothingChangedWritesNoTableAndKeepsTheReport() throws Exception {
    RealRun run = copyOf(smallRun());
    String[] nightly = {"nightly", "--lakehouse", run.config().lakehouse(), "--inputs",
        run.config().inputs(), "--years", SMALL_YEARS.first() + "-" + SMALL_YEARS.last()};
    Path index = Path.of(java.net.URI.create(Report.defaultFolder(run.lakehouse()) + "/"
        + Report.INDEX));
    Assertions.assertFalse(Files.exists(index));

    Assertions.assertEquals(Main.OK, Main.execute(nightly));
    Assertions.assertTrue(Files.exists(index), "the missing report is drawn");
    FileTime drawn = Files.getLastModifiedTime(index);
    java.util.Map<Table, Long> versions = new java.util.HashMap<>();
    Tables.all().forEach(table -> versions.put(table, run.lakehouse().version(table)));

    Assertions.assertEquals(Main.OK, Main.execute(nightly));
    Assertions.assertEquals(drawn, Files.getLastModifiedTime(index), "the report is kept");
    Tables.all().forEach(table -> Assertions.assertEquals(versions.get(table),
        run.lakehouse().version(table), table.qualifiedName() + " did not move"));
    List<Row> statuses = run.lakehouse().read(RunLog.RUNS).orderBy("started_at")
        .select("status").collectAsList();
    Assertions.assertEquals("UP_TO_DATE", statuses.get(statuses.size() - 1).getString(0));
  }
}
