package org.violence.lakehouse.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.catalog.Tables;
import org.violence.lakehouse.ChildJvm;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.microdata.DeathRecordCounts;
import org.violence.lakehouse.microdata.DeathRecords;
import org.violence.lakehouse.model.PanelModel;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.reconcile.Reconciliation;

/**
 * The packaged jar under spark-submit on a real standalone cluster (a master and two workers in
 * their own JVMs, one executor on each), the way a data scientist submits it. The cluster's
 * classpath is Spark and its dependencies only; Delta, the YAML and CSV libraries and our code
 * must come from the shaded jar, so a broken shade (say, a lost DataSourceRegister entry) fails
 * here. Its gold tables, and every table whose contents depend on the years, must equal those of
 * the same years in local mode: distribution must not change a number. The years 2005-2006 include
 * the death-certificate sample, so the microdata path runs on the cluster too. One model more
 * than the shipped ones is fitted with {@code solver: distributed}, so that its IRLS steps are
 * treeAggregates over both executors; its numbers may differ from local mode's in the order of
 * additions only. Over two years the Gini barely moves within a municipality, so its estimate
 * is badly conditioned (standard error 4.4 for an estimate of -0.41) and the order of additions
 * moves it by ~1e-8 of itself: estimates are compared to 1e-8 of their standard error, standard
 * errors to 1e-8 relative, the rest of every table exactly. The cluster's run evaluates Spark's
 * plans without generated code ({@link ChildJvm#NO_GENERATED_CODE}, for its cold JVMs), the
 * reference run compiles them: the equal tables say that this changes no number either.
 */
class ClusterSubmitTest extends LakehouseTestBase {
  private static final Path TARGET = projectDir().resolve("jobs/target");
  /** A Spark distribution's layout, laid out by the build (see the pom). */
  private static final Path SPARK_HOME = TARGET.resolve("spark-home");
  private final List<Process> cluster = new ArrayList<>();
  private static final String DISTRIBUTED_MODEL = "poisson_fe_distributed";

  /** The shipped configuration plus one model fitted by the distributed path. */
  private static Path configWithDistributedModel(Path work) throws IOException {
    String shipped = Files.readString(projectDir().resolve("conf/lakehouse.yaml"));
    Path config = work.resolve("lakehouse.yaml");
    Files.writeString(config, shipped.replaceFirst("(?m)^models:\n", """
        models:
          - name: %s
            formula: homicides_registration ~ gini + urbanisation + marginalisation | municipality + year
            family: poisson
            offset: log_population
            vcov: cluster(state)
            solver: distributed
        """.formatted(DISTRIBUTED_MODEL)));
    return config;
  }

  @Test
  void shadedJarRunsThePipelineUnderSparkSubmitOnAStandaloneCluster() throws Exception {
    Path work = Files.createTempDirectory("cluster");
    Path lakehouse = work.resolve("lakehouse");
    // The reference is the small run's lakehouse, rerun for 2005-2006 with the extra model, as
    // a data scientist changes the years of a lakehouse: the stages whose parts depend on the
    // years rebuild, the others stay. So the comparison also shows that such a rerun equals a
    // run from an empty lakehouse in every table it rewrote. It runs in this JVM from the
    // start: the cluster's cold JVMs leave the cores idle part of the time, most of all while
    // the master and the workers start.
    RealRun small = copyOf(smallRun());
    LakehouseConfig local = small.config()
        .withModels(ConfigLoader.load(configWithDistributedModel(work)).models())
        .withYears(new LakehouseConfig.YearRange(2005, 2006));
    record TimedRun(Pipeline.Outcome outcome, String seconds) {}
    CompletableFuture<TimedRun> referenceRunning = CompletableFuture.supplyAsync(() -> {
      long started = System.nanoTime();
      Pipeline.Outcome outcome = new Pipeline(spark(), local).run();
      return new TimedRun(outcome, secondsSince(started));
    });
    long phase = System.nanoTime();
    Process submit;
    boolean ended;
    String clusterUp;
    String submitted;
    try {
      String master = startCluster(work);
      clusterUp = secondsSince(phase);
      phase = System.nanoTime();
      submit = submit(work, master, lakehouse);
      // Generous: CI machines are shared, and a timeout here says nothing about the product.
      ended = submit.waitFor(25, TimeUnit.MINUTES);
      submitted = secondsSince(phase);
    } catch (Exception | Error failure) {
      referenceRunning.handle((run, error) -> run).join(); // no run left behind in this JVM
      throw failure;
    }
    // Awaited before any check, so that a failing one leaves no run behind in this JVM.
    TimedRun referenceRun = referenceRunning.get();
    Pipeline.Outcome switched = referenceRun.outcome();
    Assertions.assertTrue(ended, "spark-submit timed out");
    String log = Files.readString(work.resolve("submit.log"));
    Assertions.assertEquals(0, submit.exitValue(), log);
    Assertions.assertTrue(log.contains("Model poisson_fe_inequality"), log);

    Lakehouse written = new Lakehouse(spark(), lakehouse.toString());
    Assertions.assertEquals(2403L * 2, written.read(MunicipalityYearPanel.TABLE).count());
    Assertions.assertEquals(2, countLines(work.resolve("master.log"), "Launching executor"),
        "one executor on each worker");
    // INEGI's published national totals by year of registration, all accounted for.
    Map<Integer, Long> inegi = new TreeMap<>();
    for (Row row : written.read(Reconciliation.TABLE)
        .where(col(Reconciliation.BASIS).equalTo("registration")).collectAsList()) {
      inegi.put(row.<Integer>getAs(Reconciliation.YEAR), row.<Long>getAs(Reconciliation.INEGI_TOTAL));
      Assertions.assertEquals(0L, row.<Long>getAs(Reconciliation.DIFFERENCE), row.toString());
    }
    Assertions.assertEquals(Map.of(2005, 9921L, 2006, 10452L), inegi);

    phase = System.nanoTime();
    Lakehouse reference = small.lakehouse();
    Column distributed = col(PanelModel.MODEL).equalTo(DISTRIBUTED_MODEL);
    List<Table> models = List.of(PanelModel.RUNS, PanelModel.COEFFICIENTS, PanelModel.FITTED);
    // The distributed fit differs in the order of its additions: compared below, not here.
    java.util.function.BiFunction<Lakehouse, Table, Dataset<Row>> comparable = (from, table) ->
        models.contains(table) ? from.read(table).where(not(distributed)) : from.read(table);
    List<Table> rewritten = Tables.all().stream().filter(table -> table.layer()
        == Table.Layer.GOLD || !java.util.Objects.equals(switched.versions().get(table),
            small.outcome().versions().get(table))).toList();
    Assertions.assertTrue(rewritten.containsAll(List.of(HomicideCounts.TABLE,
        DeathRecordCounts.TABLE, DeathRecords.TABLE)), rewritten.toString());
    assertSameTables(rewritten, table -> comparable.apply(reference, table),
        table -> comparable.apply(written, table));
    Row run = written.read(PanelModel.RUNS).where(distributed).first();
    Assertions.assertEquals("distributed", run.getAs("solver"));
    Assertions.assertTrue(run.<Boolean>getAs("converged"), run.toString());
    List<Row> clusterFit = written.read(PanelModel.COEFFICIENTS).where(distributed)
        .orderBy(PanelModel.TERM).collectAsList();
    List<Row> localFit = reference.read(PanelModel.COEFFICIENTS).where(distributed)
        .orderBy(PanelModel.TERM).collectAsList();
    Assertions.assertEquals(3, clusterFit.size());
    for (int j = 0; j < clusterFit.size(); j++) {
      double standardError = localFit.get(j).<Double>getAs("std_error");
      for (String value : List.of("estimate", "std_error")) {
        double a = clusterFit.get(j).<Double>getAs(value);
        double b = localFit.get(j).<Double>getAs(value);
        Assertions.assertTrue(Math.abs(a - b) <= 1e-8 * standardError,
            value + " " + a + " " + b + " (standard error " + standardError + ")");
      }
    }
    Assertions.assertTrue(written.read(HomicideCounts.TABLE)
        .where(col(HomicideCounts.SOURCE).equalTo(DeathRecordCounts.SOURCE)).count() > 0);
    // On a cluster the runner keeps its inputs as files (run/KeptInputs), deleted at the end
    // with their folder: the lakehouse holds only tables for its readers.
    Assertions.assertFalse(Files.exists(lakehouse.resolve("_checkpoints")));
    System.out.println("ClusterSubmitTest: the cluster up" + clusterUp + ", spark-submit's run"
        + submitted + ", the local reference run beside it" + referenceRun.seconds()
        + ", the checks" + secondsSince(phase));
  }

  /**
   * spark-submit's run of the packaged jar on the cluster at {@code master}, for 2005-2006, into
   * {@code lakehouse}, logging under {@code work}; stopped with the cluster, also when the test
   * times out.
   */
  private Process submit(Path work, String master, Path lakehouse) throws IOException {
    List<String> submitArguments = new ArrayList<>(List.of("--master", master,
        "--conf", "spark.driver.host=127.0.0.1",
        // Each executor is a cold JVM that runs a few hundred small tasks and exits: C2's
        // compiles cost it more than they gave back (two pairs: the run 101.8 and 100.2 s
        // against 124.5 and 107.9 s with them, jobs/BENCHMARKS.md). The driver keeps C2, for
        // its planning.
        "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", ChildJvm.jvmFlags())
            + " " + ChildJvm.C1_ONLY,
        // A batch job nobody watches: without its UI (and no event log) the driver describes
        // each query's plan in the simple mode, not the formatted one (6% of its CPU).
        "--conf", "spark.ui.enabled=false",
        // Small tables: Delta's default of 50 tasks per log replay would dominate the run.
        "--conf", "spark.databricks.delta.snapshotPartitions=2",
        "--executor-memory", "1g"));
    ChildJvm.NO_GENERATED_CODE.forEach(setting -> submitArguments.addAll(List.of("--conf",
        setting)));
    submitArguments.addAll(List.of(TARGET.resolve("violence-lakehouse.jar").toString(),
        "run", "--config", configWithDistributedModel(work).toString(),
        "--lakehouse", lakehouse.toString(), "--years", "2005-2006"));
    Process submit = java(work.resolve("submit.log"), "org.apache.spark.deploy.SparkSubmit",
        submitArguments.toArray(String[]::new));
    cluster.add(submit);
    return submit;
  }

  private static long countLines(Path log, String text) throws IOException {
    return Files.readAllLines(log).stream().filter(line -> line.contains(text)).count();
  }

  /**
   * Starts a master and two workers on loopback; returns the master URL once both joined. The
   * workers start once the master is up: a worker that finds no master retries only 5-15 s
   * later, time in which the suite's two cores sat idle.
   */
  private String startCluster(Path work) throws Exception {
    String master = "spark://127.0.0.1:" + freePort();
    String[] hostAndPort = master.substring("spark://".length()).split(":");
    Path masterLog = work.resolve("master.log");
    cluster.add(java(masterLog, "org.apache.spark.deploy.master.Master",
        "--host", hostAndPort[0], "--port", hostAndPort[1], "--webui-port", freePort()));
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    awaitLine(masterLog, "I have been elected leader", deadline);
    List<Path> workerLogs = List.of(work.resolve("worker-1.log"), work.resolve("worker-2.log"));
    for (Path workerLog : workerLogs) {
      cluster.add(java(workerLog, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
          "--cores", "1", "--memory", "1200m", "--webui-port", freePort(), "--work-dir",
          work.resolve(workerLog.getFileName() + ".work").toString(), master));
    }
    for (Path workerLog : workerLogs) {
      awaitLine(workerLog, "Successfully registered with master", deadline);
    }
    return master;
  }

  private static void awaitLine(Path log, String text, Instant deadline) throws Exception {
    while (!Files.readString(log).contains(text)) {
      Assertions.assertTrue(Instant.now().isBefore(deadline), Files.readString(log));
      Thread.sleep(200);
    }
  }

  /** A JVM with a Spark distribution's classpath and the environment Spark's scripts would set. */
  private static Process java(Path log, String mainClass, String... args) throws IOException {
    return ChildJvm.start(log, SPARK_HOME.resolve("jars") + "/*", Map.of(
        "SPARK_HOME", SPARK_HOME.toString(), "SPARK_SCALA_VERSION", "2.12",
        "SPARK_LOCAL_IP", "127.0.0.1"), mainClass, args);
  }

  private static String freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return Integer.toString(socket.getLocalPort());
    }
  }

  @AfterAll
  void stopCluster() {
    cluster.forEach(process -> process.descendants().forEach(ProcessHandle::destroy));
    cluster.forEach(Process::destroy);
  }
}
