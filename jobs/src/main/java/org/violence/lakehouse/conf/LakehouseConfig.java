package org.violence.lakehouse.conf;

import java.util.List;
import java.util.Map;

/**
 * The whole configuration of a run, as read from {@code conf/lakehouse.yaml} and then overridden
 * from the command line. Paths of inputs are relative to {@link #inputs()}.
 */
public record LakehouseConfig(
    String lakehouse,
    String inputs,
    YearRange years,
    SparkSettings spark,
    Map<String, SourceFile> sources,
    Geography geography,
    Map<String, FillRule> covariateFill,
    List<ModelSpec> models,
    Trafficking trafficking) {

  /** The inputs folder ending in "/", to which a source's relative path is appended. */
  public String inputsFolder() {
    return folder(inputs);
  }

  /**
   * A folder's path ending in "/": inputs' relative paths are appended to it as text, since a
   * root may be a URI (hdfs://, s3a://) that {@code java.nio} cannot join.
   */
  public static String folder(String path) {
    return path.endsWith("/") ? path : path + "/";
  }

  /** The same configuration with these models (the configured ones multiplied out). */
  public LakehouseConfig withModels(List<ModelSpec> specs) {
    return new LakehouseConfig(lakehouse, inputs, years, spark, sources, geography,
        covariateFill, specs, trafficking);
  }

  public LakehouseConfig withLakehouse(String location) {
    return new LakehouseConfig(location, inputs, years, spark, sources, geography, covariateFill,
        models, trafficking);
  }

  public LakehouseConfig withInputs(String folder) {
    return new LakehouseConfig(lakehouse, folder, years, spark, sources, geography, covariateFill,
        models, trafficking);
  }

  public LakehouseConfig withYears(YearRange panelYears) {
    return new LakehouseConfig(lakehouse, inputs, panelYears, spark, sources, geography,
        covariateFill, models, trafficking);
  }

  /** The same configuration with one source's years changed (a year of data added or taken). */
  public LakehouseConfig withSourceYears(String source, YearRange sourceYears) {
    Map<String, SourceFile> changed = new java.util.TreeMap<>(sources);
    SourceFile files = sources.get(source);
    changed.put(source, new SourceFile(files.path(), files.encoding(), sourceYears));
    return new LakehouseConfig(lakehouse, inputs, years, spark, changed, geography, covariateFill,
        models, trafficking);
  }

  /** Inclusive range of years of the panel. */
  public record YearRange(int first, int last) {
    public boolean contains(int year) {
      return year >= first && year <= last;
    }

    /** The years in both ranges, empty when they do not overlap. */
    public java.util.stream.IntStream overlap(YearRange other) {
      return java.util.stream.IntStream.rangeClosed(Math.max(first, other.first),
          Math.min(last, other.last));
    }
  }

  /**
   * Spark settings used when the job is not launched by spark-submit. A master given by
   * spark-submit (or {@code -Dspark.master}) always wins over {@code master}.
   */
  public record SparkSettings(String master, int shufflePartitions) {}

  /**
   * One raw file, or a family of yearly files when {@code path} contains {@code {year}}; every
   * year of {@code years} must then be present.
   */
  public record SourceFile(String path, String encoding, YearRange years) {
    public boolean isYearly() {
      return path.contains("{year}");
    }
  }

  /**
   * The stable geography of the panel: every municipality is mapped to its ancestor that existed
   * in {@code baseVintage}. {@code parentOverrides} lists official split decrees that replace the
   * inferred parent (a CSV, relative to the working directory).
   */
  public record Geography(int baseVintage, String parentOverrides) {}

  /** How a covariate observed only in census years is carried to the other years. */
  public enum FillRule {
    /** Straight line between census years; constant before the first and after the last. */
    LINEAR,
    /** Last census value until the next one; the first value before it. */
    CARRY_FORWARD,
    /** Observed years only; other years stay empty. */
    NONE
  }

  /**
   * A model to fit on the gold panel, written like an R {@code fixest} call: {@code formula} is
   * {@code outcome ~ x1 + x2 + x1:x2 | fixed_effect + state^year}; {@code family} is gaussian,
   * poisson or quasipoisson; {@code offset} (optional) enters the linear predictor with
   * coefficient 1; {@code vcov} is iid, hc1, cluster(col) or cluster(col1, col2);
   * {@code maxIterations} (optional, default 100) bounds the IRLS loop; {@code solver}
   * (optional: auto, local or distributed) picks the fitting path; {@code smallSample}
   * (optional) sets the small-sample corrections as fixest's ssc(), e.g.
   * {@code adj=true; fixef.K=nested; cluster.adj=true; cluster.df=min; t.df=min} (the default);
   * {@code weights} (optional) names a column of analytic weights.
   */
  public record ModelSpec(
      String name,
      String formula,
      String family,
      String offset,
      String vcov,
      Sample sample,
      Integer maxIterations,
      String solver,
      String smallSample,
      String weights) {}

  /**
   * Which panel rows a model reads: {@code years} (optional: all), {@code minPopulation}
   * (optional), {@code states} (optional INEGI state codes), {@code countries} (optional; models
   * read the panel's Mexican rows only, so only MX is accepted and it filters nothing).
   */
  public record Sample(YearRange years, Double minPopulation, List<String> states,
      List<String> countries) {}

  /**
   * Parameters of the trafficking-routes stage (least-cost routes after Dell, AER 2015): which
   * municipalities count as producers, how many ports each producer ships to (0 = every port),
   * how far from a port's coordinates the seat of its municipality may be, and the route-shift
   * scenarios compared with the baseline.
   */
  public record Trafficking(
      Double producerMinIntensity,
      Integer portsPerProducer,
      Double portAttachmentMaxKm,
      Double borderMunicipalityKm,
      List<RouteScenario> scenarios) {}

  /**
   * A route shift: crossing any of {@code crackdownMunicipalities} costs
   * {@code crackdownCostMultiplier} times its length, and {@code closedPorts} (US port codes)
   * take no traffic. Either list may be empty, not both. {@code date} (ISO, optional) is when
   * the shift happened, e.g. a military operation's start: from its year the scenario's change
   * in route exposure enters the panel's diversion exposure.
   */
  public record RouteScenario(String name, List<String> crackdownMunicipalities,
      Double crackdownCostMultiplier, List<String> closedPorts, String date) {
    /** The year the scenario is in force from, or null when it has no date. */
    public Integer firstYear() {
      return date == null ? null : java.time.LocalDate.parse(date).getYear();
    }

    public List<String> crackdownMunicipalities() {
      return crackdownMunicipalities == null ? List.of() : crackdownMunicipalities;
    }

    public List<String> closedPorts() {
      return closedPorts == null ? List.of() : closedPorts;
    }
  }
}
