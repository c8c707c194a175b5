package org.violence.lakehouse.run;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.quality.QualityGate;

/** What the runner does with the quarantine for stages that refuse records, and that do not. */
class StageRunnerQuarantineTest extends LakehouseTestBase {
  private static final Table OUTPUT = Table.in(Table.Layer.SILVER, "refusals_test")
      .describedAs("a stage's output").column("id", DataTypes.LongType, "row").build();

  /** A stage of two rows that refuses the second one, or refuses nothing at all. */
  private Stage stage(String settings, boolean refuses) {
    return refuses ? refusingAs(OUTPUT, settings) : Stage.whole(List.of(OUTPUT), List.of(),
        settings, in -> Stage.Output.of(Map.of(OUTPUT, spark().range(2).toDF("id"))));
  }

  /** The stage of {@link #OUTPUT} refusing its second row, recorded as refused by {@code by}. */
  private Stage refusingAs(Table by, String settings) {
    return Stage.whole(List.of(OUTPUT), List.of(), settings, in -> {
      Dataset<Row> rows = spark().range(2).toDF("id");
      return new Stage.Output(Map.of(OUTPUT, rows), Quarantine.of(by,
          rows.where("id = 1").selectExpr("'test.csv' AS source_file",
              "CAST(NULL AS BIGINT) AS line_number", "'1' AS record", "'odd' AS reason",
              "'test' AS run_id", "current_timestamp() AS load_time")));
    });
  }

  @Test
  void aStageThatRefusesNothingClearsItsOldRefusalsAndThenLeavesTheQuarantineAlone()
      throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark(),
        Files.createTempDirectory("refusals").toString());
    StageRunner runner = new StageRunner(lakehouse, new QualityGate("test"), System.out);
    runner.run(stage("refusing", true));
    Assertions.assertEquals(1, refusals(lakehouse));

    runner.run(stage("refusing nothing", false));
    Assertions.assertEquals(0, refusals(lakehouse), "the rebuilt table's old refusal is gone");
    long version = lakehouse.version(Quarantine.TABLE);

    runner.run(stage("still refusing nothing", false));
    Assertions.assertEquals(version, lakehouse.version(Quarantine.TABLE),
        "nothing to clear: the quarantine is not written");
    Assertions.assertEquals(2, lakehouse.read(OUTPUT).count());
  }

  /**
   * A stage's first refusals are appended (no earlier record of it to remove); a rebuild's,
   * in a later run, replace them: a rerun never counts a refused record twice.
   */
  @Test
  void refusalsAreAddedOnceAndReplacedByTheNextBuildsNotAddedAgain() throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark(),
        Files.createTempDirectory("refusals").toString());
    new StageRunner(lakehouse, new QualityGate("test"), System.out)
        .run(stage("refusing nothing", false));
    long created = lakehouse.version(Quarantine.TABLE);

    new StageRunner(lakehouse, new QualityGate("test"), System.out)
        .run(stage("refusing", true));
    Assertions.assertEquals(1, refusals(lakehouse));
    Assertions.assertEquals(created + 1, lakehouse.version(Quarantine.TABLE), "one commit");

    new StageRunner(lakehouse, new QualityGate("test"), System.out)
        .run(stage("refusing again", true));
    Assertions.assertEquals(1, refusals(lakehouse), "replaced, not added");
  }

  /**
   * Records a stage refuses are of the tables it writes: any other stage's would be added to
   * the quarantine without replacing that stage's own, and counted twice after its rebuild.
   */
  @Test
  void refusalsInTheNameOfAnotherStageStopTheStageBeforeItWrites() throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark(),
        Files.createTempDirectory("refusals").toString());
    StageRunner runner = new StageRunner(lakehouse, new QualityGate("test"), System.out);
    runner.run(stage("refusing nothing", false));
    Table other = Table.in(Table.Layer.SILVER, "another_stage").build();
    IllegalStateException refused = Assertions.assertThrows(IllegalStateException.class,
        () -> runner.run(refusingAs(other, "refusing as another")));
    Assertions.assertTrue(refused.getMessage().contains("silver.another_stage"),
        refused.getMessage());
    Assertions.assertEquals(0, refusals(lakehouse));
    Assertions.assertEquals(0, lakehouse.read(Quarantine.TABLE).count());
  }

  private static long refusals(Lakehouse lakehouse) {
    return lakehouse.read(Quarantine.TABLE).where(org.apache.spark.sql.functions.col(
        Quarantine.STAGE).equalTo(OUTPUT.qualifiedName())).count();
  }
}
