package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.conf.ConfigException;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.SparkSessions;

/**
 * The {@code benchmark-models} command: fits the configured panel Poisson model with fixed
 * effects, exports the rows it fitted, fits the same model with R {@code fixest::fepois} (the
 * field's reference) and prints both times, their ratio and both estimates, side by side in one
 * run on the same machine: a figure to read, not a test. The lakehouse is timed warm (the best
 * of ten fits in the same JVM, as a nightly run's model stage would be after the panel), both
 * the whole model (Spark sample preparation, fit, fitted values) and the estimator alone on the
 * prepared sample; fepois is timed as the best of ten calls on data in R's memory. Needs the
 * lakehouse built by {@code run}; R and fixest are installed first by the project's own
 * offline script ({@value #R_INSTALL}, idempotent).
 */
public final class ModelBenchmark {
  private static final String R_SCRIPT = "benchmark_fixest.R";
  private static final long R_TIMEOUT_HOURS = 1;
  /** Installs Debian's R and the vendored fixest tarballs; silent when they are in place. */
  static final String R_INSTALL = "jobs/r/install.sh";
  private static final String R_LIBRARY = "/opt/rlib";
  /** Fits timed in one JVM, the best kept: the first ones also compile the code (JIT). */
  private static final int WARM_RUNS = 10;

  private ModelBenchmark() {}

  /** The first configured Poisson model with fixed effects: the default panel model. */
  static LakehouseConfig.ModelSpec panelModel(LakehouseConfig config) {
    return config.models().stream()
        .filter(m -> m.family().equals("poisson") && Formula.parse(m.formula()).hasFixedEffects())
        .findFirst().orElseThrow(() -> new ConfigException("models",
            "no Poisson model with fixed effects to benchmark"));
  }

  public static void run(Lakehouse lakehouse, LakehouseConfig config, PrintStream out) {
    LakehouseConfig.ModelSpec spec = panelModel(config);
    SparkSessions.describingJobs(lakehouse.spark(), "benchmark model " + spec.name(),
        () -> benchmark(lakehouse, spec, out));
  }

  private static void benchmark(Lakehouse lakehouse, LakehouseConfig.ModelSpec spec,
      PrintStream out) {
    if (!lakehouse.exists(MunicipalityYearPanel.TABLE)) {
      throw new IllegalStateException(MunicipalityYearPanel.TABLE.qualifiedName() + " does not "
          + "exist under " + lakehouse.root() + "; build it with the run command first");
    }
    Dataset<Row> panel = lakehouse.read(MunicipalityYearPanel.TABLE);
    PanelModel.Fit fit = null;
    double modelSeconds = Double.POSITIVE_INFINITY;
    for (int i = 0; i < WARM_RUNS; i++) {
      fit = PanelModel.fit(panel, spec, MunicipalityYearPanel.TABLE.qualifiedName(),
          lakehouse.version(MunicipalityYearPanel.TABLE), "benchmark");
      modelSeconds = Math.min(modelSeconds, fit.run().<Double>getAs("seconds"));
    }
    if (!fit.converged()) {
      throw new IllegalStateException(spec.name() + " did not converge: "
          + fit.run().getAs("message"));
    }
    ModelSample.Design sample = PanelModel.sampleRows(panel, spec);
    org.apache.spark.ml.PipelineStage[] stages = PanelModel.pipeline(spec, sample).getStages();
    Dataset<Row> prepared = ((org.apache.spark.ml.feature.VectorAssembler) stages[0])
        .transform(sample.rows()).localCheckpoint();
    FixedEffectsRegression estimator = (FixedEffectsRegression) stages[1];
    double estimatorSeconds = Double.POSITIVE_INFINITY;
    for (int i = 0; i < WARM_RUNS; i++) {
      long start = System.nanoTime();
      estimator.fit(prepared);
      estimatorSeconds = Math.min(estimatorSeconds, (System.nanoTime() - start) / 1e9);
    }
    List<String> terms = fit.coefficients().stream().map(c -> c.getString(2)).toList();
    Path exported = export(sample, spec);
    Map<String, Double> r = runR(exported);
    double rSeconds = r.remove("seconds");
    out.printf("Model %s: %s, n=%d, %s%n", spec.name(), spec.formula(),
        fit.run().<Long>getAs("observations"), fit.run().getAs("fixed_effects"));
    out.printf("%-34s %10.3f s (best of 10, warm JVM)%n", "lakehouse estimator (local path)",
        estimatorSeconds);
    out.printf("%-34s %10.3f s (best of 10: Spark sample, fit, fitted values)%n",
        "lakehouse whole model", modelSeconds);
    out.printf("%-34s %10.3f s (best of 10, data in R's memory)%n", "R fixest::fepois",
        rSeconds);
    out.printf("%-34s %10.2f x%n", "ratio estimator / fepois", estimatorSeconds / rSeconds);
    out.printf("%-34s %10.2f x%n", "ratio whole model / fepois", modelSeconds / rSeconds);
    out.printf("%-32s %22s %22s %10s%n", "term", "lakehouse", "R fixest", "rel. diff");
    for (int j = 0; j < terms.size(); j++) {
      double ours = fit.estimate(terms.get(j));
      double theirs = r.get("x" + (j + 1));
      out.printf("%-32s %22.15g %22.15g %10.2e%n", terms.get(j), ours, theirs,
          Math.abs(ours - theirs) / Math.abs(theirs));
    }
    out.println("Exported panel (the rows both fitted): " + exported);
  }

  /** The fitted rows as CSV for R: y, offset, x1..xk, fe0.. . */
  private static Path export(ModelSample.Design sample, LakehouseConfig.ModelSpec spec) {
    List<Column> columns = new ArrayList<>(List.of(col(ModelSample.OUTCOME).as("y"),
        col(ModelSample.OFFSET).as("offset")));
    String[] regressors = sample.regressorColumns();
    for (int j = 0; j < regressors.length; j++) {
      columns.add(col(regressors[j]).as("x" + (j + 1)));
    }
    for (int f = 0; f < Formula.parse(spec.formula()).fixedEffects().size(); f++) {
      columns.add(col(ModelSample.effectKey(f)).as("fe" + f));
    }
    try {
      Path folder = Files.createTempDirectory("benchmark-panel").resolve("csv");
      sample.rows().select(columns.toArray(Column[]::new)).coalesce(1).write().option("header", "true")
          .csv(folder.toUri().toString());
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot export the benchmark panel", e);
    }
  }

  /** R and fixest, by the project's own script (run from the project's root, as exec:exec is). */
  private static void installR() throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of(R_INSTALL))) {
      throw new IllegalStateException(R_INSTALL + " not found: run benchmark-models from the "
          + "project's root, where it installs R and fixest offline");
    }
    Process install = new ProcessBuilder(R_INSTALL, R_LIBRARY).inheritIO().start();
    if (install.waitFor() != 0) {
      throw new IllegalStateException(R_INSTALL + " failed (exit " + install.exitValue()
          + "); see its messages above");
    }
  }

  private static Map<String, Double> runR(Path exported) {
    try {
      installR();
      Path script = Files.createTempFile("benchmark_fixest", ".R");
      try (InputStream in = ModelBenchmark.class.getResourceAsStream(R_SCRIPT)) {
        Files.write(script, in.readAllBytes());
      }
      Process r;
      try {
        ProcessBuilder builder = new ProcessBuilder("Rscript", script.toString(),
            exported.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putIfAbsent("R_LIBS", R_LIBRARY);
        r = builder.start();
      } catch (IOException e) {
        throw new IllegalStateException("Rscript did not start after " + R_INSTALL, e);
      }
      List<String> lines = new String(r.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8).lines().toList();
      if (!r.waitFor(R_TIMEOUT_HOURS, TimeUnit.HOURS) || r.exitValue() != 0) {
        throw new IllegalStateException("R fixest failed (exit " + r.exitValue() + "): " + lines);
      }
      Map<String, Double> values = new LinkedHashMap<>();
      for (String line : lines) {
        String[] f = line.split(",");
        values.put(f[0], Double.parseDouble(f[1]));
      }
      return values;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run R", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while R was fitting", e);
    }
  }
}
