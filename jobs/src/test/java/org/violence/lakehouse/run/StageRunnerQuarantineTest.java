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

/** What the runner does with the quarantine for a stage that cannot refuse anything. */
class StageRunnerQuarantineTest extends LakehouseTestBase {
  private static final Table OUTPUT = Table.in(Table.Layer.SILVER, "refusals_test")
      .describedAs("a stage's output").column("id", DataTypes.LongType, "row").build();

  /** A stage of two rows that refuses the second one, or refuses nothing at all. */
  private Stage stage(String settings, boolean refuses) {
    return Stage.whole(List.of(OUTPUT), List.of(), settings, in -> {
      Dataset<Row> rows = spark().range(2).toDF("id");
      return refuses ? new Stage.Output(Map.of(OUTPUT, rows), Quarantine.of(OUTPUT,
          rows.where("id = 1").selectExpr("'test.csv' AS source_file",
              "CAST(NULL AS BIGINT) AS line_number", "'1' AS record", "'odd' AS reason",
              "'test' AS run_id", "current_timestamp() AS load_time")))
          : Stage.Output.of(Map.of(OUTPUT, rows));
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

  private static long refusals(Lakehouse lakehouse) {
    return lakehouse.read(Quarantine.TABLE).where(org.apache.spark.sql.functions.col(
        Quarantine.STAGE).equalTo(OUTPUT.qualifiedName())).count();
  }
}
