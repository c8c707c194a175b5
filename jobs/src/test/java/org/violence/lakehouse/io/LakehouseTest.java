package org.violence.lakehouse.io;

import java.nio.file.Files;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.bronze.Quarantine;

/** What a table was built from is recorded with every write, an empty one included. */
class LakehouseTest extends LakehouseTestBase {
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
