package org.violence.lakehouse;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.violence.lakehouse.cli.Pipeline;
import org.violence.lakehouse.conf.ConfigLoader;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.SparkSessions;

/**
 * One SparkSession for the whole test JVM (spark-testing-base keeps its context in a static
 * field; it is never stopped here, so every class reuses it), and one pipeline run over the real
 * samples shared by the tests that read its tables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LakehouseTestBase extends JavaDataFrameSuiteBase {
  private static RealRun realRun;

  /** The pipeline's outcome on the real samples, and the lakehouse it wrote. */
  public record RealRun(LakehouseConfig config, Lakehouse lakehouse, Pipeline.Outcome outcome) {}

  @Override
  public SparkConf conf() {
    return SparkSessions.withDelta(super.conf())
        .set("spark.sql.shuffle.partitions", "2")
        .set("spark.ui.enabled", "false")
        .set("spark.databricks.delta.snapshotPartitions", "1");
  }

  @Override
  public boolean enableHiveSupport() {
    return false;
  }

  @BeforeAll
  void startSpark() {
    runBefore();
  }

  public static Path projectDir() {
    return Path.of(System.getProperty("lakehouse.project.dir", ".")).toAbsolutePath();
  }

  /** The shipped configuration, reading the real samples and writing under {@code lakehouse}. */
  public static LakehouseConfig sampleConfig(Path lakehouse) {
    LakehouseConfig shipped = ConfigLoader.load(projectDir().resolve("conf/lakehouse.yaml"));
    return new LakehouseConfig(lakehouse.toString(),
        projectDir().resolve("data-samples").toString(), shipped.years(), shipped.spark(),
        shipped.sources(), new LakehouseConfig.Geography(shipped.geography().baseVintage(),
            projectDir().resolve(shipped.geography().parentOverrides()).toString()),
        shipped.covariateFill(), shipped.models(), shipped.trafficking());
  }

  protected synchronized RealRun realRun() {
    if (realRun == null) {
      try {
        LakehouseConfig config = sampleConfig(Files.createTempDirectory("lakehouse-real"));
        Pipeline.Outcome outcome = new Pipeline(spark(), config).run();
        realRun = new RealRun(config, new Lakehouse(spark(), config.lakehouse()), outcome);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return realRun;
  }
}
