package org.violence.lakehouse.io;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.conf.LakehouseConfig;

/**
 * A command's session leaves nothing in the folder it runs from: Spark's catalog, which makes
 * its warehouse folder when the session starts, gets a scratch folder unless the caller (a
 * cluster's spark-defaults) names one.
 */
class SparkSessionsTest {
  private static final LakehouseConfig.SparkSettings LOCAL =
      new LakehouseConfig.SparkSettings("local[2]", 2);

  @Test
  void theCatalogsFolderIsAScratchFolderNotTheWorkingDirectorys() {
    Path warehouse = Path.of(URI.create(SparkSessions.conf(LOCAL, new SparkConf(false))
        .get("spark.sql.warehouse.dir")));
    // Spark's default, spark-warehouse, is relative to the working directory.
    Assertions.assertNotEquals(Path.of("").toAbsolutePath(), warehouse.getParent());
    Assertions.assertTrue(warehouse.startsWith(Path.of(System.getProperty("java.io.tmpdir"))
        .toAbsolutePath()), warehouse.toString());
    Assertions.assertTrue(Files.isDirectory(warehouse.getParent()), "the scratch folder exists");
  }

  /**
   * Plans are described in full only where someone can read them: a cluster's UI, an event
   * log. A local run has neither, nor has a job submitted with the UI off; the formatted
   * description cost ~6% of a driver's CPU.
   */
  @Test
  void queriesAreDescribedInFullOnlyWhereAUiOrEventLogShowsThem() {
    String mode = "spark.sql.ui.explainMode";
    Assertions.assertEquals("simple", SparkSessions.conf(LOCAL, new SparkConf(false)).get(mode));
    Assertions.assertFalse(SparkSessions.conf(LOCAL, new SparkConf(false)
        .set("spark.master", "spark://cluster:7077")).contains(mode), "spark-submit's master");
    Assertions.assertEquals("simple", SparkSessions.conf(LOCAL, new SparkConf(false)
        .set("spark.master", "spark://cluster:7077").set("spark.ui.enabled", "false")).get(mode),
        "spark-submit's master, with the UI off");
    Assertions.assertFalse(SparkSessions.conf(LOCAL, new SparkConf(false)
        .set("spark.eventLog.enabled", "true")).contains(mode), "an event log");
  }

  @Test
  void aWarehouseTheCallerNamesIsKept() {
    SparkConf given = new SparkConf(false).set("spark.sql.warehouse.dir", "hdfs:///warehouse");
    Assertions.assertEquals("hdfs:///warehouse",
        SparkSessions.conf(LOCAL, given).get("spark.sql.warehouse.dir"));
  }
}
