package org.violence.lakehouse.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.run.RunLog;
import org.violence.lakehouse.silver.Municipalities;

/**
 * Mistakes that are not bad input end with their own exit code and one line that says what to
 * do, before anything is written: a configuration naming an unknown column (2), a lakehouse
 * path that is a file or a run lock no run wrote (6).
 */
class MainExitCodesTest extends LakehouseTestBase {
  private static final Path SHIPPED = projectDir().resolve("conf/lakehouse.yaml");

  @Test
  void aFormulaColumnThePanelLacksEndsWithExit2NamingModelAndKey() throws Exception {
    Path config = Files.createTempFile("lakehouse", ".yaml");
    Files.writeString(config, Files.readString(SHIPPED).replace(
        "gini + urbanisation + marginalisation + on_trafficking_route",
        "gini + urbanisation + marginalization + on_trafficking_route"));
    Path lakehouse = Files.createTempDirectory("never-written").resolve("lakehouse");
    CommandHere.Ending ending = CommandHere.run("run", "--config", config.toString(),
        "--lakehouse", lakehouse.toString());
    Assertions.assertEquals(Main.BAD_USAGE_OR_CONFIG, ending.exit(), ending.err());
    Assertions.assertTrue(ending.err().contains("models[1].formula")
        && ending.err().contains("poisson_fe_inequality")
        && ending.err().contains("'marginalization'"), ending.err());
    Assertions.assertFalse(Files.exists(lakehouse), "nothing is written");
  }

  @Test
  void aMunicipalityDecreedTwiceEndsWithExit2AndLeavesTheDimensionAlone() throws Exception {
    RealRun copy = copyOf(smallRun());
    Path decrees = Files.createTempFile("decrees", ".csv");
    Files.writeString(decrees, "municipality_code,parent_code,decree\n23009,23008,Tulum\n"
        + "23009,23005,Tulum again\n");
    Path config = Files.createTempFile("lakehouse", ".yaml");
    Files.writeString(config, Files.readString(SHIPPED).replace(
        "parent_overrides: conf/municipality-parent-overrides.csv",
        "parent_overrides: " + decrees));
    long before = copy.lakehouse().version(Municipalities.TABLE);
    CommandHere.Ending ending = CommandHere.run("run", "--config", config.toString(),
        "--lakehouse", copy.config().lakehouse(), "--inputs", copy.config().inputs(), "--years",
        SMALL_YEARS.first() + "-" + SMALL_YEARS.last());
    Assertions.assertEquals(Main.BAD_USAGE_OR_CONFIG, ending.exit(), ending.err());
    Assertions.assertTrue(ending.err().contains("geography.parent_overrides")
        && ending.err().contains("decrees the parent of 23009 more than once"),
        ending.err());
    Assertions.assertEquals(before, copy.lakehouse().version(Municipalities.TABLE));
    // The command ran on this JVM's shared session and left its partitions (LakehouseTestBase)
    // as they were, not the shipped configuration's, for the classes that run after it.
    Assertions.assertEquals("2", spark().conf().get("spark.sql.shuffle.partitions"));
    Assertions.assertEquals("BAD_CONFIG", copy.lakehouse().read(RunLog.RUNS)
        .orderBy(org.apache.spark.sql.functions.col("started_at").desc()).first()
        .getAs("status"));
  }

  @Test
  void aLakehousePathThatIsAFileEndsWithExit6() throws Exception {
    Path file = Files.createTempFile("lakehouse", ".txt");
    CommandHere.Ending ending = CommandHere.run("run", "--lakehouse", file.toString());
    Assertions.assertEquals(Main.LAKEHOUSE_UNUSABLE, ending.exit(), ending.err());
    Assertions.assertTrue(ending.err().contains("is a file, not a folder"),
        ending.err());
  }

  @Test
  void aRunLockNoRunWroteEndsWithExit6AndIsLeftAlone() throws Exception {
    Path lakehouse = Files.createTempDirectory("lakehouse");
    Path lock = lakehouse.resolve("_run.lock");
    Files.writeString(lock, "not json at all");
    CommandHere.Ending ending = CommandHere.run("run", "--lakehouse", lakehouse.toString());
    Assertions.assertEquals(Main.LAKEHOUSE_UNUSABLE, ending.exit(), ending.err());
    Assertions.assertTrue(ending.err().contains("delete that file"), ending.err());
    Assertions.assertEquals("not json at all", Files.readString(lock));
  }
}
