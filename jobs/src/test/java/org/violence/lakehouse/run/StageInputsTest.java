package org.violence.lakehouse.run;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.quality.QualityGate;
import org.violence.lakehouse.silver.Municipalities;

/**
 * The runner hands a stage the tables it declared and no other: a stage that reads an
 * undeclared table stops before anything is written, naming the stage and the table.
 */
class StageInputsTest extends LakehouseTestBase {
  private static final Table OUTPUT = Table.in(Table.Layer.SILVER, "stage_inputs_test")
      .describedAs("a stage's output").column("id", DataTypes.LongType, "row").build();

  @Test
  void aStageReadingATableItDidNotDeclareFailsBeforeWriting() throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark(),
        Files.createTempDirectory("stage-inputs").toString());
    Stage undeclared = Stage.whole(List.of(OUTPUT), List.of(), "", in -> Stage.Output.of(
        Map.of(OUTPUT, in.read(Municipalities.TABLE).selectExpr("1L AS id"))));
    IllegalStateException failure = Assertions.assertThrows(IllegalStateException.class,
        () -> new StageRunner(lakehouse, new QualityGate("test"), System.out).run(undeclared));
    Assertions.assertTrue(failure.getMessage().contains("stage silver.stage_inputs_test reads "
        + "silver.municipalities, which it does not declare"), failure.getMessage());
    Assertions.assertFalse(lakehouse.exists(OUTPUT));

    Stage declaredEmpty = Stage.whole(List.of(OUTPUT), List.of(), "", in -> Stage.Output.of(
        Map.of(OUTPUT, spark().range(3).toDF("id"))));
    new StageRunner(lakehouse, new QualityGate("test"), System.out).run(declaredEmpty);
    Assertions.assertEquals(3, lakehouse.read(OUTPUT).count());
  }
}
