package org.violence.lakehouse.run;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.SparkSessions;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.quality.QualityGate;

/**
 * The profile charges a stage with the Spark jobs started while it ran and the Delta commits
 * it made, and charges nothing to a stage that was up to date.
 */
class RunProfileTest extends LakehouseTestBase {
  private static final Table OUTPUT = Table.in(Table.Layer.SILVER, "profile_test")
      .describedAs("a stage's output").column("id", DataTypes.LongType, "row").build();

  @Test
  void aStageIsChargedItsJobsAndCommits() throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark(), Files.createTempDirectory("profile").toString());
    Stage stage = Stage.whole(List.of(OUTPUT), List.of(), "", in -> Stage.Output.of(
        Map.of(OUTPUT, spark().range(5).toDF("id"))));
    RunProfile profile = RunProfile.attachTo(spark().sparkContext());
    try {
      StageRunner runner = new StageRunner(lakehouse, new QualityGate("test"), System.out,
          profile, () -> { });
      runner.run(stage);
      long commits = lakehouse.commitsMade();
      runner.run(stage);
      spark().sparkContext().listenerBus().waitUntilEmpty();
      RunProfile.Figures figures = profile.figures().get(OUTPUT.qualifiedName());
      Assertions.assertTrue(figures.jobs() >= 1, "the write is a Spark job");
      // The first write creates the quarantine and the table, each in one commit with its
      // description; the second run finds the stage up to date and commits nothing.
      Assertions.assertEquals(2, commits);
      Assertions.assertEquals(commits, figures.commits());
      Assertions.assertTrue(figures.seconds() > 0);
      // Two stages one after the other: the time covered is their sum (to rounding).
      Assertions.assertEquals(figures.seconds(), profile.stagesSpan(), 1e-6);
    } finally {
      profile.detachFrom(spark().sparkContext());
    }
  }

  @Test
  void aStagesJobsCarryItsOwnDescriptionNotThatOfTheLastWriteOnItsThread() throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark(), Files.createTempDirectory("described").toString());
    Table counted = Table.in(Table.Layer.SILVER, "counted_in_stage")
        .describedAs("a stage that runs a job of its own").column("id", DataTypes.LongType, "row")
        .build();
    Stage writer = Stage.whole(List.of(OUTPUT), List.of(), "", in -> Stage.Output.of(
        Map.of(OUTPUT, spark().range(5).toDF("id"))));
    Stage counter = Stage.whole(List.of(counted), List.of(), "", in -> {
      long rows = spark().range(3).count();
      return Stage.Output.of(Map.of(counted, spark().range(rows).toDF("id")));
    });
    List<String> descriptions = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        if (counter.name().equals(start.properties().getProperty(RunProfile.STAGE_PROPERTY))) {
          descriptions.add(start.properties().getProperty(SparkSessions.JOB_DESCRIPTION));
        }
      }
    };
    spark().sparkContext().addSparkListener(listener);
    try {
      // One thread, one stage after the other, as on a pooled stage thread.
      StageRunner runner = new StageRunner(lakehouse, new QualityGate("test"), System.out,
          new RunProfile(), () -> { });
      runner.run(writer);
      runner.run(counter);
      spark().sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark().sparkContext().removeSparkListener(listener);
    }
    Assertions.assertTrue(descriptions.contains("build " + counter.name()), descriptions.toString());
    Assertions.assertTrue(descriptions.stream().noneMatch(d -> d == null
        || d.contains(OUTPUT.qualifiedName())), descriptions.toString());
    Assertions.assertNull(spark().sparkContext().getLocalProperty(
        SparkSessions.JOB_DESCRIPTION), "nothing left on the thread after the run");
  }

  @Test
  void stagesRunningAtOnceCountOnceInTheTimeStagesCovered() {
    RunProfile profile = new RunProfile();
    long second = 1_000_000_000L;
    profile.stageFinished("a", 0, 10 * second, 0);
    profile.stageFinished("b", 5 * second, 12 * second, 0);
    profile.stageFinished("c", 6 * second, 7 * second, 0);
    profile.stageFinished("d", 20 * second, 21 * second, 0);
    Assertions.assertEquals(13.0, profile.stagesSpan(), 1e-9, "0-12 s and 20-21 s");

    var printed = new java.io.ByteArrayOutputStream();
    profile.print(25.0, 0, new java.io.PrintStream(printed, true));
    List<String> stages = printed.toString().lines()
        .filter(line -> line.matches("[abcd] .*")).toList();
    Assertions.assertEquals(List.of("a 0.00 10.00", "b 5.00 7.00", "c 6.00 1.00",
        "d 20.00 1.00"), stages.stream().map(line -> String.join(" ",
            java.util.Arrays.asList(line.trim().split(" +")).subList(0, 3))).toList(),
        "by start, with the start from the first stage's and the wall time");
  }
}
