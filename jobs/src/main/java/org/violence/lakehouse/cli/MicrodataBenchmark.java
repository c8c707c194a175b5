package org.violence.lakehouse.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.RFormula;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.violence.lakehouse.bronze.BronzeIngest;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.microdata.CauseOfDeath;
import org.violence.lakehouse.microdata.DeathRecordCounts;
import org.violence.lakehouse.microdata.DeathRecords;
import org.violence.lakehouse.microdata.MicrodataStages;
import org.violence.lakehouse.model.FixedEffectsRegression;
import org.violence.lakehouse.model.FixedEffectsRegressionModel;
import org.violence.lakehouse.model.FixedEffectsRegressionSummary;
import org.violence.lakehouse.quality.QualityGate;
import org.violence.lakehouse.run.StageRunner;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.synthetic.DeathRecordGenerator;

/**
 * The {@code benchmark-microdata} command: synthetic national death certificates of a given size
 * (1990-2015), then, measured side by side in one JVM: the cold ingest of 1990-2014 (CSV to the
 * bronze Delta table to the municipal counts; the better of two, each into an empty lakehouse,
 * as every DuckDB figure is, the first printed too), the nightly run that adds 2015, and the same
 * aggregation by DuckDB over the same files (cold years, then all years: the full recompute a
 * single-node user would run every night). DuckDB is loaded only if its JDBC driver is on the
 * classpath (Maven profile {@code benchmark}), so the product jar does not carry it. DuckDB 1.1
 * reads UTF-8 only; the synthetic files are Latin-1 but hold only ASCII (codes), so both engines
 * read the same bytes the same way.
 */
final class MicrodataBenchmark {
  private static final LakehouseConfig.YearRange ALL = new LakehouseConfig.YearRange(1990, 2015);
  private static final LakehouseConfig.YearRange COLD = new LakehouseConfig.YearRange(1990, 2014);
  private static final LakehouseConfig.SourceFile FILES = new LakehouseConfig.SourceFile(
      "deaths_{year}.csv", "ISO-8859-1", ALL);

  private MicrodataBenchmark() {}

  /** Writes the synthetic files of {@code rows} rows into {@code folder}, for the command alone. */
  static DeathRecordGenerator.Written generate(Lakehouse source, Path folder, long rows,
      long seed, LakehouseConfig.YearRange years, PrintStream out) {
    DeathRecordGenerator generator = new DeathRecordGenerator(source);
    double rate = generator.ratePerThousandFor(rows, years);
    long start = System.nanoTime();
    DeathRecordGenerator.Written written = generator.write(folder, years, rate, seed);
    out.printf("Generated %,d death certificates (%,d homicides, INEGI's counts) for %d-%d in %s "
            + "in %.1f s; other deaths at %.2f per 1,000 inhabitants, seed %d%n",
        written.totalRows(), written.homicides().values().stream().mapToLong(Long::longValue)
            .sum(), years.first(), years.last(), folder, seconds(start), rate, seed);
    return written;
  }

  /** Rows of the synthetic files before the last year and in it. */
  private record Synthetic(long coldRows, long newRows) {}

  /** The synthetic files of that size and seed in {@code folder}: reused, or generated. */
  private static Synthetic syntheticFiles(Lakehouse source, Path folder, long rows, long seed,
      PrintStream out) {
    Path marker = folder.resolve("generated-" + rows + "-" + seed + ".txt");
    long coldRows;
    long newRows;
    try {
      if (Files.exists(marker)) {
        List<String> counts = Files.readAllLines(marker);
        coldRows = Long.parseLong(counts.get(0));
        newRows = Long.parseLong(counts.get(1));
        out.println("Reusing the synthetic files in " + folder + " (" + marker.getFileName() + ")");
      } else {
        DeathRecordGenerator.Written written = generate(source, folder, rows, seed, ALL, out);
        newRows = written.rows().get(ALL.last());
        coldRows = written.totalRows() - newRows;
        Files.write(marker, List.of(Long.toString(coldRows), Long.toString(newRows)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Synthetic(coldRows, newRows);
  }

  /** A scratch lakehouse next to the files, with the municipalities the counts join. */
  private static Lakehouse scratchLakehouse(Lakehouse source, Path folder) {
    Lakehouse bench = new Lakehouse(source.spark(), folder.resolve("lakehouse-" + System.nanoTime())
        .toAbsolutePath().toString());
    bench.replace(Municipalities.TABLE, source.read(Municipalities.TABLE), null);
    return bench;
  }

  /** Deletes a scratch lakehouse once measured: ~250 MB at 15 million rows, piling up per run. */
  private static void remove(Lakehouse bench) {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(bench.root());
    try {
      root.getFileSystem(bench.spark().sparkContext().hadoopConfiguration()).delete(root, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void run(Lakehouse source, Path folder, long rows, long seed, PrintStream out) {
    Synthetic synthetic = syntheticFiles(source, folder, rows, seed, out);
    long coldRows = synthetic.coldRows();
    long newRows = synthetic.newRows();
    // Measured as DuckDB is: the better of two cold ingests, each into an empty lakehouse, and
    // the first beside it. A new JVM's first run compiles Spark's generated code and warms up
    // the JIT (25-40 s of the first run here); DuckDB's first query pays its own start-up.
    Lakehouse bench = null;
    double[] colds = new double[2];
    resetPeaks();
    for (int attempt = 0; attempt < colds.length; attempt++) {
      if (bench != null) {
        remove(bench);
      }
      bench = scratchLakehouse(source, folder);
      long start = System.nanoTime();
      ingest(bench, folder, COLD, "cold");
      colds[attempt] = seconds(start);
    }
    double firstCold = colds[0];
    double cold = Math.min(colds[0], colds[1]);
    String coldMemory = memory();
    long start = System.nanoTime();
    ingest(bench, folder, ALL, "nightly");
    double nightly = seconds(start);
    long sparkHomicides = bench.read(DeathRecordCounts.TABLE)
        .where(functions.col(DeathRecordCounts.PLACE).equalTo(DeathRecordCounts.OCCURRENCE)
            .and(functions.col(DeathRecordCounts.CAUSE).equalTo(CauseOfDeath.HOMICIDE)))
        .agg(functions.sum(DeathRecordCounts.DEATHS)).first().getLong(0);
    String sparkMemory = memory();
    Dataset<Row> calibration = DeathRecordGenerator.calibration(bench.read(DeathRecordCounts.TABLE),
        source.read(HomicideCounts.TABLE), ALL).persist();
    long municipalityYears = calibration.count();
    long differing = calibration.where(not(col("inegi").eqNullSafe(col("generated")))).count();
    calibration.unpersist();
    remove(bench);

    out.println();
    out.printf("Microdata benchmark: %,d rows 1990-2014 (cold), %,d rows for 2015 (nightly); "
        + "Spark %s, %d cores, max heap %d MB%n", coldRows, newRows,
        source.spark().version(), Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    out.printf("  %-58s %9.1f s %,12.0f rows/s  %s%n", "Spark cold ingest 1990-2014 (CSV->Delta->counts)",
        cold, coldRows / cold, coldMemory);
    out.printf("  %-58s %9.1f s%n", "  the first of the two, in a new JVM", firstCold);
    out.printf("  %-58s %9.1f s %,12.0f rows/s  %s%n", "Spark nightly run adding 2015", nightly,
        newRows / nightly, sparkMemory);
    out.printf("  calibration: homicides counted by the pipeline equal INEGI's in %,d of %,d "
        + "municipality-years 1990-2015 (%s)%n", municipalityYears - differing, municipalityYears,
        differing == 0 ? "all" : differing + " DIFFER");
    try (DuckDb duck = DuckDb.open(folder, out)) {
      if (duck != null) {
        compare(duck, folder, cold, firstCold, nightly, sparkHomicides, synthetic, out);
      }
    }
  }

  /** DuckDB's figures beside Spark's, and the ratios the issue aims at. */
  private static void compare(DuckDb duck, Path folder, double cold, double firstCold,
      double nightly, long sparkHomicides, Synthetic synthetic, PrintStream out) {
    DuckDb.Figure coldSameWork = duck.landAndCount(folder, COLD);
    DuckDb.Figure allSameWork = duck.landAndCount(folder, ALL);
    DuckDb.Figure coldCountOnly = duck.countOnly(folder, COLD);
    DuckDb.Figure allCountOnly = duck.countOnly(folder, ALL);
    long allRows = synthetic.coldRows() + synthetic.newRows();
    String line = "  %-58s %9.1f s %,12.0f rows/s%n";
    out.printf(line, "DuckDB same work 1990-2014 (CSV->table on disk->counts)",
        coldSameWork.seconds(), synthetic.coldRows() / coldSameWork.seconds());
    out.printf("  %-58s %9.1f s%n", "  the first of the two", coldSameWork.first());
    out.printf(line, "DuckDB same work, full recompute 1990-2015", allSameWork.seconds(),
        allRows / allSameWork.seconds());
    out.printf(line, "DuckDB counts only (CSV->counts, lands nothing) 1990-2014",
        coldCountOnly.seconds(), synthetic.coldRows() / coldCountOnly.seconds());
    out.printf(line, "DuckDB counts only, full recompute 1990-2015", allCountOnly.seconds(),
        allRows / allCountOnly.seconds());
    out.printf("  cold ingest / DuckDB same work:                   %.2fx (aim: at most 3x)%n",
        cold / coldSameWork.seconds());
    out.printf("  the same, first runs only:                        %.2fx%n",
        firstCold / coldSameWork.first());
    out.printf("  nightly run / DuckDB same-work full recompute:    %.2fx (aim: at most 0.5x)%n",
        nightly / allSameWork.seconds());
    out.printf("  cold ingest / DuckDB counts only:                 %.2fx%n",
        cold / coldCountOnly.seconds());
    out.printf("  nightly run / DuckDB counts-only full recompute:  %.2fx%n",
        nightly / allCountOnly.seconds());
    boolean equal = allSameWork.homicides() == sparkHomicides
        && allCountOnly.homicides() == sparkHomicides;
    out.printf("  homicides by place of occurrence, 1990-2015: Spark %,d, DuckDB %,d and %,d (%s)%n",
        sparkHomicides, allSameWork.homicides(), allCountOnly.homicides(),
        equal ? "equal" : "DIFFERENT");
  }

  /**
   * The {@code benchmark-certificate-model} command, the scale proof of the distributed path:
   * lands the synthetic certificates of 1990-2015 in bronze, then fits a logit of "this death is
   * a homicide" on sex and age group with municipality-of-occurrence and year fixed effects,
   * clustered by state, on every certificate of known cause, sex and age (RFormula drops the
   * least frequent level of each as reference: female, and the rarest age group), with
   * {@code solver=distributed}.
   * Prints the fit's time, iterations, the cells held on the driver and the peak heap.
   */
  static void certificateModel(Lakehouse source, Path folder, long rows, long seed,
      PrintStream out) {
    Synthetic synthetic = syntheticFiles(source, folder, rows, seed, out);
    Lakehouse bench = scratchLakehouse(source, folder);
    long start = System.nanoTime();
    ingestBronze(bench, folder, ALL, "certificates");
    double ingest = seconds(start);
    // The per-certificate design is derived from the 46 text fields once and kept as Parquet:
    // every pass of the fit then reads six compact columns, not the landed record.
    start = System.nanoTime();
    String designPath = bench.root() + "/certificate_design";
    DeathRecordCounts.certificates(bench.read(DeathRecords.TABLE))
        .write().parquet(designPath);
    double design = seconds(start);
    resetPeaks();
    start = System.nanoTime();
    Dataset<Row> certificates = source.spark().read().parquet(designPath);
    PipelineModel fitted = new Pipeline().setStages(
        new PipelineStage[] {
            new RFormula().setFormula(
                DeathRecordCounts.IS_HOMICIDE + " ~ " + DeathRecordCounts.SEX + " + "
                    + DeathRecordCounts.AGE_GROUP),
            new FixedEffectsRegression().setFamily("binomial").setSolver("distributed")
                .setFixedEffectCols(DeathRecordCounts.OCCURRENCE_MUNICIPALITY,
                    DeathRecordCounts.YEAR)
                .setClusterCols(DeathRecordCounts.OCCURRENCE_STATE).setVcov("cluster")})
        .fit(certificates.na().drop(new String[] {DeathRecordCounts.IS_HOMICIDE})
            .where(col(DeathRecordCounts.SEX).notEqual(DeathRecordCounts.UNKNOWN)
                .and(col(DeathRecordCounts.AGE_GROUP).notEqual(DeathRecordCounts.UNKNOWN))));
    double fit = seconds(start);
    FixedEffectsRegressionSummary summary =
        ((FixedEffectsRegressionModel) fitted.stages()[1]).summary();
    out.printf("Certificate model: logit of %s on sex and age group | municipality of "
            + "occurrence + year, cluster(state), solver %s; Spark %s, %d cores, max heap %d MB%n",
        DeathRecordCounts.IS_HOMICIDE, summary.solver(), source.spark().version(),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    out.printf("  certificates in the files: %,d; fitted: %,d (dropped: %,d of unknown cause, sex or "
            + "age, %,d singletons, %,d in levels without variation); %d municipalities, %d "
            + "years%n", synthetic.coldRows() + synthetic.newRows(), summary.observations(),
        synthetic.coldRows() + synthetic.newRows() - summary.observations()
            - summary.droppedSingletons() - summary.droppedSeparated(),
        summary.droppedSingletons(), summary.droppedSeparated(),
        summary.fixedEffectLevelCount(0), summary.fixedEffectLevelCount(1));
    out.printf("  %-40s %9.1f s%n", "bronze ingest 1990-2015", ingest);
    out.printf("  %-40s %9.1f s%n", "per-certificate design to Parquet", design);
    out.printf("  %-40s %9.1f s  %d IRLS iterations, %s%n", "fit (RFormula + distributed IRLS)",
        fit, summary.iterations(), memory());
    double[] se = summary.standardErrors("cluster");
    for (int j = 0; j < summary.terms().size(); j++) {
      out.printf("  %-28s %12.6f  (cluster se %.6f)%n", summary.terms().get(j),
          summary.coefficients()[j], se[j]);
    }
    remove(bench);
  }

  private static void ingestBronze(Lakehouse bench, Path folder,
      LakehouseConfig.YearRange years, String runId) {
    MicrodataStages stages = stages(bench, folder, years);
    new StageRunner(bench, new QualityGate(runId), System.out)
        .run(stages.bronze(runId, new Timestamp(System.currentTimeMillis())));
  }

  private static MicrodataStages stages(Lakehouse bench, Path folder,
      LakehouseConfig.YearRange years) {
    List<BronzeIngest.RawFile> raw = IntStream.rangeClosed(years.first(), years.last())
        .mapToObj(year -> new BronzeIngest.RawFile(DeathRecordGenerator.fileName(year), year))
        .toList();
    return new MicrodataStages(bench, folder.toAbsolutePath().toString(), FILES, raw);
  }

  private static void ingest(Lakehouse bench, Path folder, LakehouseConfig.YearRange years,
      String runId) {
    MicrodataStages stages = stages(bench, folder, years);
    StageRunner runner = new StageRunner(bench, new QualityGate(runId),
        System.out);
    runner.run(stages.bronze(runId, new Timestamp(System.currentTimeMillis())));
    runner.run(stages.counts());
  }

  private static void resetPeaks() {
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  /** Peak heap since the last reset (sum of the pools' peaks: an upper bound) and peak RSS. */
  private static String memory() {
    long heap = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP)
        .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    String rss = "?";
    try {
      rss = Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(line -> line.startsWith("VmHWM:")).map(line -> line.substring(6).trim())
          .findFirst().orElse("?");
    } catch (IOException e) {
      rss = "unknown (" + e.getMessage() + ")";
    }
    return String.format("peak heap %,d MB, peak RSS %s", heap >> 20, rss);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /**
   * DuckDB over JDBC, found at run time so that only the benchmark profile needs it, with its
   * database in a file next to the synthetic files: what it lands must be on disk, as the
   * lakehouse's bronze is.
   */
  private record DuckDb(Connection connection, Path database) implements AutoCloseable {
    static DuckDb open(Path folder, PrintStream out) {
      try {
        Class.forName("org.duckdb.DuckDBDriver");
        Path database = folder.resolve("duckdb-" + System.nanoTime() + ".duckdb");
        return new DuckDb(DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath()),
            database);
      } catch (ClassNotFoundException e) {
        out.println("  DuckDB is not on the classpath: run with the Maven profile -Pbenchmark "
            + "(see jobs/BENCHMARKS.md) for the comparison");
        return null;
      } catch (SQLException e) {
        throw new IllegalStateException("DuckDB did not start: " + e.getMessage(), e);
      }
    }

    /** A figure of DuckDB's: seconds (the better of two runs), the first run's, and homicides. */
    record Figure(double seconds, double first, long homicides) {}

    /**
     * The product's work: every field of the files landed in a table of the database file (with
     * its year, file and load time, as bronze has them) and checkpointed, then the counts from
     * that table.
     */
    Figure landAndCount(Path folder, LakehouseConfig.YearRange years) {
      return timed("CREATE OR REPLACE TABLE death_records AS SELECT * FROM "
          + csv(folder, years) + ";\nCHECKPOINT;\n" + countsFrom("death_records") + ";\nCHECKPOINT");
    }

    /** The counts straight from the files, landing nothing: DuckDB's shortest path. */
    Figure countOnly(Path folder, LakehouseConfig.YearRange years) {
      return timed(countsFrom(csv(folder, years)));
    }

    /** The files as a relation of text fields with the file's year and name, as bronze has them. */
    private static String csv(Path folder, LakehouseConfig.YearRange years) {
      String files = IntStream.rangeClosed(years.first(), years.last())
          .mapToObj(year -> "'" + folder.resolve(DeathRecordGenerator.fileName(year))
              .toAbsolutePath() + "'").collect(Collectors.joining(", "));
      return """
          (SELECT CAST(regexp_extract(filename, 'deaths_([0-9]{4})', 1) AS INTEGER) AS year,
                  filename AS source_file, * EXCLUDE (filename), now() AS load_time
           FROM read_csv([%s], header = true, all_varchar = true, filename = true))"""
          .formatted(files);
    }

    /**
     * The counts of {@code silver.death_record_counts}, written as a DuckDB user would tune
     * them: only the needed columns, classified once, and counted by both places before the
     * split into places (splitting first is ~10x slower).
     */
    private static String countsFrom(String certificates) {
      return """
          CREATE OR REPLACE TABLE counts AS
          WITH d AS (
            SELECT year AS yr, source_file AS filename, TRY_CAST(trim(EDADVALOR) AS INTEGER) AS age,
                   upper(replace(trim(CAUSADEF), '.', '')) AS code, ANIODEF, SEXO, EDADUNI,
                   PRESUNTO, ENTOCU, MUNOCU, ENTRH, MUNRH
            FROM %s),
          c AS (
            SELECT yr, filename, TRY_CAST(trim(ANIODEF) AS INTEGER) AS occurrence_year,
              CASE trim(SEXO) WHEN '1' THEN 'male' WHEN '2' THEN 'female' ELSE 'unknown' END AS sex,
              CASE WHEN upper(trim(EDADUNI)) IN ('M', 'D', 'H') THEN '0'
                   WHEN upper(trim(EDADUNI)) <> 'A' OR age IS NULL OR age > 130 OR age < 0
                     THEN 'unknown'
                   WHEN age = 0 THEN '0' WHEN age <= 4 THEN '1-4' WHEN age <= 14 THEN '5-14'
                   WHEN age <= 24 THEN '15-24' WHEN age <= 34 THEN '25-34'
                   WHEN age <= 44 THEN '35-44' WHEN age <= 54 THEN '45-54'
                   WHEN age <= 64 THEN '55-64' ELSE '65+' END AS age_group,
              CASE WHEN yr < %d THEN
                     CASE WHEN regexp_matches(code, '^E96[0-9][0-9]?$') THEN 'homicide'
                          WHEN regexp_matches(code, '^(E[89][0-9]{2}|[0-9]{3})[0-9]?$')
                            THEN 'other'
                          ELSE 'unknown' END
                   WHEN regexp_matches(code, '^(X8[5-9]|X9[0-9]|Y0[0-9])[0-9X]?$')
                     OR code = 'Y871' THEN 'homicide'
                   WHEN code = 'Y87' THEN 'unknown'
                   WHEN regexp_matches(code, '^[A-Z][0-9]{2}[0-9X]?$') THEN 'other'
                   ELSE 'unknown' END AS cause,
              coalesce(trim(PRESUNTO) = '2', false) AS presumed_homicide,
              ENTOCU, MUNOCU, ENTRH, MUNRH
            FROM d),
          both_places AS (
            SELECT yr, filename, occurrence_year, sex, age_group, cause, presumed_homicide,
                   ENTOCU, MUNOCU, ENTRH, MUNRH, count(*) AS deaths
            FROM c GROUP BY ALL),
          places AS (
            SELECT yr, 'occurrence' AS place, ENTOCU AS st, MUNOCU AS mun, occurrence_year, sex,
                   age_group, cause, presumed_homicide, filename, deaths FROM both_places
            UNION ALL
            SELECT yr, 'residence', ENTRH, MUNRH, occurrence_year, sex, age_group, cause,
                   presumed_homicide, filename, deaths FROM both_places)
          SELECT yr, place, lpad(trim(st), 2, '0') AS st, lpad(trim(mun), 3, '0') AS mun,
                 occurrence_year, sex, age_group, cause, presumed_homicide, filename,
                 sum(deaths) AS deaths
          FROM places GROUP BY ALL"""
          .formatted(certificates, CauseOfDeath.FIRST_ICD10_YEAR);
    }

    private Figure timed(String sql) {
      try (Statement statement = connection.createStatement()) {
        // The better of two runs: DuckDB's first query of a session was up to 2.5x slower, which
        // would flatter the ratios.
        double[] runs = new double[2];
        for (int attempt = 0; attempt < runs.length; attempt++) {
          long start = System.nanoTime();
          for (String part : sql.split(";\n")) {
            statement.execute(part);
          }
          runs[attempt] = seconds(start);
        }
        try (ResultSet result = statement.executeQuery("SELECT sum(deaths) FROM counts "
            + "WHERE place = 'occurrence' AND cause = 'homicide'")) {
          result.next();
          return new Figure(Math.min(runs[0], runs[1]), runs[0], result.getLong(1));
        }
      } catch (SQLException e) {
        throw new IllegalStateException("DuckDB failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        connection.close();
        Files.deleteIfExists(database);
        Files.deleteIfExists(Path.of(database + ".wal"));
      } catch (SQLException | IOException e) {
        throw new IllegalStateException("DuckDB did not close: " + e.getMessage(), e);
      }
    }
  }
}
