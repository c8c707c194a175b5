package org.violence.lakehouse.io;

import java.nio.file.Files;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.run.Quarantine;

/**
 * What a table was built from is recorded with every write, an empty one included; a new table
 * is created in one commit.
 */
class LakehouseTest extends LakehouseTestBase {
  private static final Table YEARLY = Table.in(Table.Layer.SILVER, "lakehouse_test")
      .describedAs("a yearly table's 'quoted' description").partitionedBy("year")
      .column("year", DataTypes.IntegerType, "the year")
      .column("deaths", DataTypes.LongType, "deaths in the year")
      .property("delta.dataSkippingNumIndexedCols", "1").build();

  @Test
  void aNewTableIsCreatedInOneCommitWithItsDescriptionPartitionsPropertiesAndState()
      throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark(),
        Files.createTempDirectory("lakehouse").toString());
    Dataset<Row> rows = spark().createDataFrame(List.of(RowFactory.create(2009, 3L),
        RowFactory.create(2010, 4L)), YEARLY.schema());
    long version = lakehouse.replace(YEARLY, rows, BuildState.whole("inputs"));

    // Each commit of ~50 new tables per run cost a Delta transaction; a reader must also never
    // see a version of the table without its description.
    Assertions.assertEquals(0L, version);
    Assertions.assertEquals(1L, spark().sql("DESCRIBE HISTORY delta.`" + lakehouse.path(YEARLY)
        + "`").count());
    Row detail = spark().sql("DESCRIBE DETAIL delta.`" + lakehouse.path(YEARLY) + "`").first();
    Assertions.assertEquals(YEARLY.description(), detail.getAs("description"));
    Assertions.assertEquals(List.of("year"), detail.getList(detail.fieldIndex("partitionColumns")));
    Assertions.assertEquals("1", detail.<scala.collection.Map<String, String>>getAs("properties")
        .get("delta.dataSkippingNumIndexedCols").get());
    Assertions.assertEquals(BuildState.whole("inputs"), lakehouse.buildState(YEARLY));
    Assertions.assertEquals(2L, lakehouse.written(YEARLY, version).rows());
    Assertions.assertEquals("deaths in the year", lakehouse.read(YEARLY).schema()
        .apply("deaths").getComment().get());
    Assertions.assertEquals(rows.collectAsList(), lakehouse.read(YEARLY).orderBy("year")
        .collectAsList());

    lakehouse.replace(YEARLY, rows, BuildState.whole("inputs again"));
    Assertions.assertEquals(1L, lakehouse.version(YEARLY), "a rewrite is one commit too");
  }

  /**
   * A commit's checksum file carries what readers take from it (sizes, protocol, metadata), not
   * the list of the table's files, which Delta 3.3 only verifies and which cost a query per new
   * table to compute (see SparkSessions).
   */
  @Test
  void aCommitsChecksumHoldsTheTablesSizesNotItsFileList() throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark(),
        Files.createTempDirectory("checksum").toString());
    long version = lakehouse.replace(YEARLY, spark().createDataFrame(List.of(
        RowFactory.create(2009, 3L), RowFactory.create(2010, 4L)), YEARLY.schema()), null);
    java.nio.file.Path checksum = folderOf(lakehouse, YEARLY)
        .resolve("_delta_log/" + String.format("%020d.crc", version));
    com.fasterxml.jackson.databind.JsonNode crc = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(checksum.toFile());
    Assertions.assertEquals(2, crc.get("numFiles").asInt(), "a file per year: " + crc);
    Assertions.assertEquals(YEARLY.description(), crc.get("metadata").get("description").asText());
    Assertions.assertTrue(crc.has("protocol"), crc.toString());
    Assertions.assertFalse(crc.has("allFiles"), crc.toString());
  }

  /**
   * A first write killed before its commit leaves data files and an empty log folder but no
   * table; the next run must create the table over them, holding only its own rows.
   */
  @Test
  void aNewTableIsCreatedOverWhatAKilledFirstWriteLeft() throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark(),
        Files.createTempDirectory("lakehouse").toString());
    java.nio.file.Path folder = folderOf(lakehouse, YEARLY);
    spark().createDataFrame(List.of(RowFactory.create(1999, 99L)), YEARLY.schema())
        .write().parquet(folder.toString());
    Files.createDirectories(folder.resolve("_delta_log"));
    Assertions.assertFalse(lakehouse.exists(YEARLY));

    Dataset<Row> rows = spark().createDataFrame(List.of(RowFactory.create(2009, 3L)),
        YEARLY.schema());
    Assertions.assertEquals(0L, lakehouse.replace(YEARLY, rows, BuildState.whole("inputs")));
    Assertions.assertEquals(rows.collectAsList(), lakehouse.read(YEARLY).collectAsList());
    Assertions.assertEquals(YEARLY.description(), spark().sql("DESCRIBE DETAIL delta.`"
        + lakehouse.path(YEARLY) + "`").first().getAs("description"));
  }

  /**
   * A table another process created after this JVM first looked for it exists, and is replaced.
   * This JVM first saw the log folder a killed first write left empty; then a run in a JVM of
   * its own committed the table, and was killed too (the kill test's chain). Delta's cached view
   * of the log, which said no table, is not the answer: a create over it failed.
   */
  @Test
  void aTableAnotherProcessCreatedSinceThisJvmLookedIsFoundAndReplaced() throws Exception {
    Lakehouse here = new Lakehouse(spark(), Files.createTempDirectory("lakehouse").toString());
    java.nio.file.Path folder = folderOf(here, YEARLY);
    Files.createDirectories(folder.resolve("_delta_log"));
    Assertions.assertFalse(here.exists(YEARLY));
    Assertions.assertEquals(BuildState.empty(), here.buildState(YEARLY));

    Lakehouse otherProcess = new Lakehouse(spark(),
        Files.createTempDirectory("other").toString());
    Dataset<Row> rows = spark().createDataFrame(List.of(RowFactory.create(2009, 3L)),
        YEARLY.schema());
    otherProcess.replace(YEARLY, rows, BuildState.whole("the killed run's inputs"));
    Files.delete(folder.resolve("_delta_log"));
    Files.delete(folder);
    Files.move(folderOf(otherProcess, YEARLY), folder);

    Assertions.assertTrue(here.exists(YEARLY));
    Assertions.assertEquals(BuildState.whole("the killed run's inputs"), here.buildState(YEARLY));
    Assertions.assertEquals(1L, here.replace(YEARLY, rows, BuildState.whole("inputs")));
    Assertions.assertEquals(rows.collectAsList(), here.read(YEARLY).collectAsList());
  }

  @Test
  void anEmptyOverwriteStillRecordsWhatItWasBuiltFrom() throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark(),
        Files.createTempDirectory("lakehouse").toString());
    Dataset<Row> none = spark().createDataFrame(List.of(), Quarantine.SCHEMA);
    lakehouse.replace(Quarantine.TABLE, none, BuildState.whole("first inputs"));
    long first = lakehouse.version(Quarantine.TABLE);
    lakehouse.replace(Quarantine.TABLE, none, BuildState.whole("changed inputs"));
    // Without the commit, the next run would find the first fingerprint and rebuild the table
    // (and all after it) every time.
    Assertions.assertEquals(BuildState.whole("changed inputs"),
        lakehouse.buildState(Quarantine.TABLE));
    Assertions.assertEquals(first + 1, lakehouse.version(Quarantine.TABLE));
  }
}
