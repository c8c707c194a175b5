package org.violence.lakehouse.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.quality.QualityGate;
import org.violence.lakehouse.silver.Municipalities;

/**
 * The runner hands a stage the tables it declared and no other: a stage that reads an
 * undeclared table stops before anything is written, naming the stage and the table. What it
 * hands over is read from Delta once per version and kept for the run ({@link KeptInputs}).
 */
class StageInputsTest extends LakehouseTestBase {
  private static final Table OUTPUT = Table.in(Table.Layer.SILVER, "stage_inputs_test")
      .describedAs("a stage's output").column("id", DataTypes.LongType, "row").build();

  @Test
  void aStageReadingATableItDidNotDeclareFailsBeforeWriting() throws Exception {
    Lakehouse lakehouse = emptyLakehouse();
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

  @Test
  void anInputIsReadOncePerRunAndFreedWhenTheRunEnds() throws Exception {
    Lakehouse lakehouse = emptyLakehouse();
    Table input = anInput("stage_inputs_kept");
    Table large = Table.in(Table.Layer.BRONZE, "stage_inputs_large")
        .describedAs("an input too large to keep").column("id", DataTypes.LongType, "row")
        .large().build();
    Stage inputs = Stage.whole(List.of(input, large), List.of(), "", in -> Stage.Output.of(
        Map.of(input, spark().range(3).toDF("id"), large, spark().range(4).toDF("id"))));
    List<Dataset<Row>> handed = new ArrayList<>();
    Stage reader = Stage.whole(List.of(OUTPUT), List.of(input, large), "", in -> {
      for (int read = 0; read < 2; read++) {
        handed.add(in.read(input));
        handed.add(in.read(large));
      }
      return Stage.Output.of(Map.of(OUTPUT, handed.get(0).union(handed.get(1))));
    });

    new StageRunner(lakehouse, new QualityGate("test"), System.out)
        .runAll(List.of(reader, inputs), 2);

    Assertions.assertSame(handed.get(0), handed.get(2), "the second read is the kept rows");
    Assertions.assertTrue(keptInMemory(handed.get(0)));
    Assertions.assertFalse(keptInMemory(handed.get(1)), "a large table is read from Delta");
    Assertions.assertEquals(7, lakehouse.read(OUTPUT).count());
    Assertions.assertEquals(StorageLevel.NONE(), storageLevel(handed.get(0)),
        "what the run kept is freed when it ends");
  }

  /**
   * Rows a stage reads more than once and computes once itself (the panel's base, say) are
   * checkpointed as the runner checkpoints, reliably on a cluster, and freed with the stage.
   */
  @Test
  void rowsAStageComputesOnceAreFreedOnceItsTablesAreWritten() throws Exception {
    Lakehouse lakehouse = emptyLakehouse();
    List<Dataset<Row>> computed = new ArrayList<>();
    Stage stage = Stage.whole(List.of(OUTPUT), List.of(), "", in -> {
      computed.add(in.computeOnce(spark().range(4).toDF("id")));
      Assertions.assertTrue(keptInMemory(computed.get(0)));
      Assertions.assertNotEquals(StorageLevel.NONE(), storageLevel(computed.get(0)));
      return Stage.Output.of(Map.of(OUTPUT, computed.get(0).union(computed.get(0))));
    });

    new StageRunner(lakehouse, new QualityGate("test"), System.out).run(stage);

    Assertions.assertEquals(8, lakehouse.read(OUTPUT).count());
    Assertions.assertEquals(StorageLevel.NONE(), storageLevel(computed.get(0)));
  }

  /**
   * Rows a stage computed once and gives as a table (the route network's nodes, which its
   * routes read) are the rows the runner checks and writes, not computed a second time, and
   * the stage after it reads them as they were kept, not freed with the stage that made them.
   */
  @Test
  void rowsAStageComputedOnceForItsOwnTableAreWrittenAndHandedOnAsTheyAre() throws Exception {
    Lakehouse lakehouse = emptyLakehouse();
    Table input = anInput("stage_inputs_computed");
    List<Dataset<Row>> handed = new ArrayList<>();
    Stage writer = Stage.whole(List.of(input), List.of(), "", in -> {
      handed.add(in.computeOnce(spark().range(6).toDF("id")));
      return Stage.Output.of(Map.of(input, handed.get(0)));
    });
    Stage reader = Stage.whole(List.of(OUTPUT), List.of(input), "", in -> {
      handed.add(in.read(input));
      Assertions.assertNotEquals(StorageLevel.NONE(), storageLevel(handed.get(1)),
          "the rows were not freed with the stage that computed them");
      return Stage.Output.of(Map.of(OUTPUT, handed.get(1)));
    });

    new StageRunner(lakehouse, new QualityGate("test"), System.out)
        .runAll(List.of(reader, writer), 2);

    Assertions.assertSame(((LogicalRDD) handed.get(0).queryExecution().analyzed()).rdd(),
        ((LogicalRDD) handed.get(1).queryExecution().analyzed()).rdd(),
        "the next stage reads the very rows the stage computed");
    Assertions.assertEquals(6, lakehouse.read(OUTPUT).count());
    Assertions.assertEquals(StorageLevel.NONE(), storageLevel(handed.get(1)),
        "and they are freed when the run ends");
  }

  /**
   * A whole table a stage writes is kept as written for the stages after it, which then do not
   * read it back from Delta (its data files are gone here when the next stage reads it), and
   * plan with it as with a Delta scan of that version: the same schema (Delta reads every column
   * as nullable) and the same size, so that their joins, and the bits of their sums, are those
   * of a run that reads the version from Delta (one resumed after a kill).
   */
  @Test
  void aTableWrittenInTheRunIsHandedOnAsWrittenAndPlansLikeItsDeltaVersion() throws Exception {
    Lakehouse lakehouse = emptyLakehouse();
    Table input = Table.in(Table.Layer.SILVER, "stage_inputs_written")
        .describedAs("an input").column("id", DataTypes.LongType, "row")
        .column("label", DataTypes.StringType, "text").build();
    Stage writer = Stage.whole(List.of(input), List.of(), "", in -> Stage.Output.of(Map.of(
        input, spark().range(5).selectExpr("id", "concat('unit ', id) AS label"))));
    List<Dataset<Row>> handed = new ArrayList<>();
    Stage reader = Stage.whole(List.of(OUTPUT), List.of(input), "", in -> {
      deleteDataFiles(lakehouse, input);
      handed.add(in.read(input));
      return Stage.Output.of(Map.of(OUTPUT, handed.get(0).select("id")));
    });

    new StageRunner(lakehouse, new QualityGate("test"), System.out)
        .runAll(List.of(reader, writer), 2);

    Assertions.assertEquals(5, lakehouse.read(OUTPUT).count());
    Dataset<Row> delta = lakehouse.readVersion(input, lakehouse.version(input));
    Assertions.assertEquals(delta.schema(), handed.get(0).schema());
    Assertions.assertTrue(handed.get(0).schema().apply("id").nullable());
    Assertions.assertEquals(delta.queryExecution().optimizedPlan().stats().sizeInBytes(),
        handed.get(0).queryExecution().optimizedPlan().stats().sizeInBytes());
  }

  private Lakehouse emptyLakehouse() throws java.io.IOException {
    return new Lakehouse(spark(), Files.createTempDirectory("stage-inputs").toString());
  }

  /** A silver table of one column, {@code id}. */
  private static Table anInput(String name) {
    return Table.in(Table.Layer.SILVER, name).describedAs("an input")
        .column("id", DataTypes.LongType, "row").build();
  }

  private static void deleteDataFiles(Lakehouse lakehouse, Table table) {
    try (var files = Files.list(folderOf(lakehouse, table))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        Files.delete(file);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * On a cluster the kept rows must outlive the executor that computed them (a preempted node):
   * the blocks of a local checkpoint are the only copy of its rows, a reliable one has files.
   * The loss of an executor is its blocks removed; the files go when the run ends, and a killed
   * run's leftovers when the next run starts.
   */
  @Test
  void onAClusterTheKeptRowsSurviveTheLossOfTheirBlocksAndGoWhenTheRunEnds() throws Exception {
    Lakehouse lakehouse = emptyLakehouse();
    lakehouse.replace(OUTPUT, spark().range(3).toDF("id"), null);
    Path checkpoints = Path.of(java.net.URI.create(lakehouse.root() + "/"
        + KeptInputs.CHECKPOINTS));
    Path killedRunsRows = Files.createDirectories(checkpoints.resolve("killed-run/rdd-1"));

    KeptInputs local = new KeptInputs(lakehouse, false);
    Dataset<Row> inBlocks = local.read(OUTPUT);
    loseBlocksOf(inBlocks);
    Assertions.assertThrows(Exception.class, inBlocks::count, "a local checkpoint is lost");
    local.release();

    KeptInputs reliable = new KeptInputs(lakehouse, true);
    Assertions.assertFalse(Files.exists(killedRunsRows), "a killed run's kept rows are deleted");
    Dataset<Row> inFiles = reliable.read(OUTPUT);
    loseBlocksOf(inFiles);
    Assertions.assertEquals(3, inFiles.count());
    try (var left = Files.walk(checkpoints)) {
      Assertions.assertTrue(left.anyMatch(file -> file.getFileName().toString()
          .startsWith("rdd-")), "the rows are kept as files");
    }
    reliable.release();
    Assertions.assertFalse(Files.exists(checkpoints),
        "the kept files and their folder are deleted when the run ends");

    KeptInputs nextRun = new KeptInputs(lakehouse, true);
    Assertions.assertEquals(3, nextRun.read(OUTPUT).count(), "a later run in the session");
    nextRun.release();
    Assertions.assertFalse(Files.exists(checkpoints), "and its folder goes too");
  }

  private static void loseBlocksOf(Dataset<Row> kept) {
    SparkEnv.get().blockManager().removeRdd(((LogicalRDD) kept.queryExecution().analyzed())
        .rdd().id());
  }

  private static StorageLevel storageLevel(Dataset<Row> kept) {
    return ((LogicalRDD) kept.queryExecution().analyzed()).rdd().getStorageLevel();
  }

  private static boolean keptInMemory(Dataset<Row> rows) {
    return rows.queryExecution().analyzed() instanceof LogicalRDD;
  }
}
