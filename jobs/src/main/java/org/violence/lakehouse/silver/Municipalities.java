package org.violence.lakehouse.silver;

import static org.violence.lakehouse.io.Expectation.notNull;
import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.bronze.DelimitedSources;
import org.violence.lakehouse.conf.ConfigException;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.Fingerprints;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.run.Stage;

/**
 * The municipality dimension: every municipality of every vintage, the vintages it exists in,
 * and the stable unit of the panel it belongs to.
 *
 * <p>Municipalities are created by splitting existing ones (2,403 in the 1990 census, 2,469 in
 * 2020) and homicides are recorded in the municipality that existed when they were registered, so
 * a panel over three decades must use one geography. Each municipality created after the base
 * vintage gets a parent and, through the chain of parents, a {@code stable_municipality_code}: its
 * ancestor in the base vintage. No official crosswalk ships with the data, so the parent is
 * inferred: among the municipalities of the same state that existed before the split, bordering
 * ones first, the one whose population shows the carve-out. When CONAPO back-projected the new
 * municipality's population to the census year before its creation, the carve-out is the parent's
 * census count minus CONAPO's back-projection for it (the people CONAPO moved to the child);
 * otherwise it is the population the parent lost between the two censuses. Official decrees in
 * the overrides file replace the inference; every row records which method set its parent.
 */
public final class Municipalities {
  public static final String MUNICIPALITY_CODE = "municipality_code";
  public static final String STATE_CODE = "state_code";
  public static final String STATE_NAME = "state_name";
  public static final String MUNICIPALITY_NAME = "municipality_name";
  public static final String FIRST_VINTAGE = "first_vintage";
  public static final String VINTAGES = "vintages";
  public static final String PARENT_CODE = "parent_code";
  public static final String PARENT_METHOD = "parent_method";
  public static final String PARENT_EVIDENCE = "parent_evidence_people";
  public static final String STABLE_CODE = "stable_municipality_code";
  public static final String SEAT_LONGITUDE = "seat_longitude";
  public static final String SEAT_LATITUDE = "seat_latitude";
  public static final String METRO_ZONE_CODE = "metro_zone_code";
  public static final String METRO_ZONE_NAME = "metro_zone_name";

  public static final Table TABLE = Table.in(Table.Layer.SILVER, "municipalities")
      .describedAs("Municipality dimension: codes, names, vintages, split lineage and the "
          + "stable unit used by the panel")
      .sourcedFrom("INEGI municipal catalogues (census counts 1990-2010, 2015, 2020), CONAPO "
          + "population, INEGI adjacency, metro zones 2015 and municipal seats; parents inferred "
          + "or from conf/municipality-parent-overrides.csv")
      .column(MUNICIPALITY_CODE, "INEGI municipality code, 5 digits (state + municipality)")
      .column(STATE_CODE, "INEGI state code, 2 digits")
      .column(STATE_NAME, "State name")
      .column(MUNICIPALITY_NAME, "Municipality name in the newest catalogue that lists it")
      .column(FIRST_VINTAGE, "First census or count (1990, 1995, ..., 2020) that lists it")
      .column(VINTAGES, "Censuses and counts that list it")
      .column(PARENT_CODE, "Municipality it was split from; null if it existed in the base "
          + "vintage")
      .column(PARENT_METHOD, "How the parent was set: official_decree, conapo_backprojection or "
          + "census_population_drop")
      .column(PARENT_EVIDENCE, "People the parent lost to it by the method's measure (null for "
          + "decrees)")
      .column(STABLE_CODE, "Ancestor in the base vintage: the unit of the panel")
      .column(SEAT_LONGITUDE, "Longitude of the municipal seat (degrees)")
      .column(SEAT_LATITUDE, "Latitude of the municipal seat (degrees)")
      .unit(SEAT_LONGITUDE, "degrees").unit(SEAT_LATITUDE, "degrees")
      .column(METRO_ZONE_CODE, "Metropolitan zone 2015 it belongs to, if any")
      .column(METRO_ZONE_NAME, "Name of that metropolitan zone")
      .expect(uniqueKey(MUNICIPALITY_CODE), notNull(STABLE_CODE),
          notNull(STATE_CODE))
      .build();

  /** Longest chain of successive splits followed when resolving stable units. */
  private static final int MAX_SPLIT_GENERATIONS = 6;

  private Municipalities() {}

  /** Bronze inputs of the dimension. */
  public record Inputs(Dataset<Row> censusCounts, Dataset<Row> catalogue2015,
      Dataset<Row> catalogue2020, Dataset<Row> populationEstimates, Dataset<Row> adjacency,
      Dataset<Row> metroZones, Dataset<Row> seats2007, Dataset<Row> parentOverrides) {}

  /**
   * The pipeline's stage: rebuilt when a catalogue, count or census, the base vintage or the
   * official parent overrides file (by its fingerprint; read only when building) change.
   */
  public static Stage stage(SparkSession spark, LakehouseConfig.Geography geography) {
    return Stage.whole(List.of(TABLE), List.of(DelimitedSources.CENSUS_COUNTS.table(),
            DelimitedSources.CATALOGUE_2015.table(), DelimitedSources.CATALOGUE_2020.table(),
            DelimitedSources.POPULATION_ESTIMATES.table(), DelimitedSources.ADJACENCY.table(),
            DelimitedSources.METRO_ZONES.table(), DelimitedSources.MUNICIPALITY_HEADS.table()),
        "base vintage " + geography.baseVintage() + ", overrides "
            + overridesFingerprint(geography.parentOverrides()), in -> {
          Dataset<Row> decrees = parentOverrides(spark, geography.parentOverrides());
          return Stage.Output.of(Map.of(TABLE, build(new Inputs(
              in.read(DelimitedSources.CENSUS_COUNTS.table()),
              in.read(DelimitedSources.CATALOGUE_2015.table()),
              in.read(DelimitedSources.CATALOGUE_2020.table()),
              in.read(DelimitedSources.POPULATION_ESTIMATES.table()),
              in.read(DelimitedSources.ADJACENCY.table()),
              in.read(DelimitedSources.METRO_ZONES.table()),
              in.read(DelimitedSources.MUNICIPALITY_HEADS.table()), decrees),
              geography.baseVintage())));
        });
  }

  private static final StructType OVERRIDE_SCHEMA = new StructType()
      .add(MUNICIPALITY_CODE, DataTypes.StringType)
      .add(PARENT_CODE, DataTypes.StringType)
      .add("decree", DataTypes.StringType);

  private static String overridesFingerprint(String file) {
    if (file == null || !new java.io.File(file).isFile()) {
      return "none";
    }
    try {
      return Fingerprints.of(java.nio.file.Files.readString(java.nio.file.Path.of(file)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Official split decrees that replace an inferred parent; part of the configuration, so a code
   * that is not 5 digits, or a municipality decreed twice, stops the run naming the file.
   */
  static Dataset<Row> parentOverrides(SparkSession spark, String file) {
    if (file == null) {
      return spark.createDataFrame(List.of(), OVERRIDE_SCHEMA);
    }
    if (!new java.io.File(file).isFile()) {
      throw new ConfigException("geography.parent_overrides", "file " + file + " does not exist");
    }
    List<Row> decrees = spark.read().option("header", "true")
        .option("mode", "FAILFAST").schema(OVERRIDE_SCHEMA).csv(file).collectAsList();
    long malformed = decrees.stream().filter(r -> !isCode(r.getString(0))
        || !isCode(r.getString(1))).count();
    if (malformed > 0) {
      throw new ConfigException("geography.parent_overrides", file + " has " + malformed
          + " row(s) whose codes are not 5 digits");
    }
    Set<String> decreed = new HashSet<>();
    for (Row r : decrees) {
      if (!decreed.add(r.getString(0))) {
        throw new ConfigException("geography.parent_overrides", file + " decrees the parent of "
            + r.getString(0) + " more than once");
      }
    }
    return spark.createDataFrame(decrees, OVERRIDE_SCHEMA);
  }

  private static boolean isCode(String code) {
    return code != null && code.matches("\\d{5}");
  }

  /**
   * The dimension, derived on the driver: its inputs are a few thousand rows per vintage, and as
   * one Spark plan (~20 joins and windows, the lineage repeated per split generation) it cost
   * 35-45 s of planning and code generation in a cold JVM for 2,469 rows. Each input is reduced
   * and collected by one simple query; the inference below is the same rule as the class comment.
   */
  public static Dataset<Row> build(Inputs in, int baseVintage) {
    SortedMap<String, NavigableMap<Integer, Double>> populations = vintagePopulation(in);
    Map<String, Parent> parents = inferParents(populations, in, baseVintage);
    for (Row decree : in.parentOverrides().select(MUNICIPALITY_CODE, PARENT_CODE)
        .collectAsList()) {
      if (decree.anyNull() || !populations.containsKey(decree.getString(0))) {
        continue;
      }
      parents.put(decree.getString(0), new Parent(decree.getString(1), "official_decree", null));
    }
    Attributes attributes = Attributes.of(in);
    List<Row> rows = new ArrayList<>();
    populations.forEach((code, byVintage) -> {
      Parent parent = parents.get(code);
      rows.add(attributes.row(code, byVintage.firstKey(), new ArrayList<>(byVintage.keySet()),
          parent, stableCode(code, parents)));
    });
    return in.censusCounts().sparkSession().createDataFrame(rows, SCHEMA);
  }

  private static final StructType SCHEMA = new StructType()
      .add(MUNICIPALITY_CODE, DataTypes.StringType).add(STATE_CODE, DataTypes.StringType)
      .add(STATE_NAME, DataTypes.StringType).add(MUNICIPALITY_NAME, DataTypes.StringType)
      .add(FIRST_VINTAGE, DataTypes.IntegerType)
      .add(VINTAGES, DataTypes.createArrayType(DataTypes.IntegerType))
      .add(PARENT_CODE, DataTypes.StringType).add(PARENT_METHOD, DataTypes.StringType)
      .add(PARENT_EVIDENCE, DataTypes.DoubleType).add(STABLE_CODE, DataTypes.StringType)
      .add(SEAT_LONGITUDE, DataTypes.DoubleType).add(SEAT_LATITUDE, DataTypes.DoubleType)
      .add(METRO_ZONE_CODE, DataTypes.StringType).add(METRO_ZONE_NAME, DataTypes.StringType);

  /** A municipality's parent, how it was set and the people that show it (null for decrees). */
  private record Parent(String code, String method, Double evidence) {}

  /** A municipality's population in a census or count, keyed for the CONAPO estimates. */
  private record CodeYear(String code, int year) {}

  /** Population of each municipality in each census or count that lists it. */
  private static SortedMap<String, NavigableMap<Integer, Double>> vintagePopulation(Inputs in) {
    Dataset<Row> censuses = in.censusCounts()
        .where(col("sex").equalTo("Total").and(col("population").isNotNull()))
        .select(col(MUNICIPALITY_CODE), col("year").as("vintage"), col("population"));
    Dataset<Row> catalogues = in.catalogue2015()
        .select(col(MUNICIPALITY_CODE), lit(2015).as("vintage"), col("population"))
        .unionByName(in.catalogue2020()
            .select(col(MUNICIPALITY_CODE), lit(2020).as("vintage"), col("population")));
    // Codes ending 990-999 are INEGI's "not specified" and statistical remainders
    // (e.g. 07998 "Otros municipios" in the 1995 count), not municipalities.
    SortedMap<String, NavigableMap<Integer, Double>> populations = new TreeMap<>();
    for (Row r : censuses.unionByName(catalogues)
        .where(substring(col(MUNICIPALITY_CODE), 3, 3).lt("990")).collectAsList()) {
      populations.computeIfAbsent(r.getString(0), code -> new TreeMap<>())
          .putIfAbsent(r.getInt(1), nullableDouble(r, 2));
    }
    return populations;
  }

  private static Map<String, Parent> inferParents(
      SortedMap<String, NavigableMap<Integer, Double>> populations, Inputs in, int baseVintage) {
    Set<List<String>> borders = new HashSet<>();
    for (Row r : in.adjacency().select("municipality_code_a", "municipality_code_b")
        .collectAsList()) {
      borders.add(Arrays.asList(r.getString(0), r.getString(1)));
      borders.add(Arrays.asList(r.getString(1), r.getString(0)));
    }
    Set<Integer> vintages = new TreeSet<>();
    populations.values().forEach(byVintage -> vintages.addAll(byVintage.keySet()));
    Map<CodeYear, Double> estimates = new HashMap<>();
    for (Row r : in.populationEstimates().where(col("sex").equalTo("Total")
            .and(col("year").isin(vintages.toArray())))
        .select(MUNICIPALITY_CODE, "year", "population").collectAsList()) {
      estimates.putIfAbsent(new CodeYear(r.getString(0), r.getInt(1)), nullableDouble(r, 2));
    }

    Map<String, Parent> parents = new HashMap<>();
    populations.forEach((child, childVintages) -> {
      int createdBy = childVintages.firstKey();
      if (createdBy <= baseVintage) {
        return;
      }
      List<Candidate> candidates = new ArrayList<>();
      populations.forEach((candidate, byVintage) -> {
        if (!stateOf(candidate).equals(stateOf(child)) || byVintage.firstKey() >= createdBy) {
          return;
        }
        // The candidate's last census before the child appears, and its first one after.
        Map.Entry<Integer, Double> before = byVintage.lowerEntry(createdBy);
        Double childBackprojection = estimates.get(new CodeYear(child, before.getKey()));
        Double candidateEstimate = estimates.get(new CodeYear(candidate, before.getKey()));
        boolean backprojected = childBackprojection != null && candidateEstimate != null;
        candidates.add(new Candidate(candidate, borders.contains(List.of(child, candidate)),
            backprojected, minus(before.getValue(),
                backprojected ? candidateEstimate : byVintage.get(createdBy))));
      });
      // A child is judged by one method for all its candidates: back-projection when CONAPO has
      // it; then bordering candidates first, the largest carve-out, the lowest code.
      boolean byBackprojection = candidates.stream().anyMatch(Candidate::backprojected);
      candidates.stream().filter(c -> c.backprojected() == byBackprojection)
          .min(Comparator.comparing(Candidate::borders).reversed()
              .thenComparing(Candidate::evidence, Municipalities::largestFirstNullsLast)
              .thenComparing(Candidate::code))
          .ifPresent(best -> parents.put(child, new Parent(best.code(),
              best.backprojected() ? "conapo_backprojection" : "census_population_drop",
              best.evidence())));
    });
    return parents;
  }

  /** A possible parent of a new municipality, with the evidence of the carve-out. */
  private record Candidate(String code, boolean borders, boolean backprojected, Double evidence) {}

  /** Spark's order for a descending double: NaN first, -0.0 equal to 0.0, nulls last. */
  private static int largestFirstNullsLast(Double a, Double b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    return a.doubleValue() == b.doubleValue() ? 0 : Double.compare(b, a);
  }

  private static Double minus(Double a, Double b) {
    return a == null || b == null ? null : a - b;
  }

  private static Double nullableDouble(Row r, int i) {
    return r.isNullAt(i) ? null : r.getDouble(i);
  }

  /** The state part of a code, as Spark's {@code substring(code, 1, 2)}. */
  private static String stateOf(String code) {
    return code.substring(0, Math.min(2, code.length()));
  }

  /** Follows parents up to the base vintage; municipalities of the base vintage are their own. */
  private static String stableCode(String code, Map<String, Parent> parents) {
    String stable = code;
    for (int generation = 0; generation < MAX_SPLIT_GENERATIONS; generation++) {
      Parent parent = parents.get(stable);
      if (parent == null) {
        break;
      }
      stable = parent.code();
    }
    return stable;
  }

  /** Names, seats and metro zones of the municipalities, from the newest source that has them. */
  private record Attributes(Map<String, Row> named, Map<String, String> stateNames,
      Map<String, String> censusNames, Map<String, Row> seats2007, Map<String, Row> metroZones) {

    static Attributes of(Inputs in) {
      // Names and seats from the newest catalogue that lists the municipality.
      Map<String, Row> named = new HashMap<>();
      Map<String, String> stateNames = new HashMap<>();
      for (Dataset<Row> catalogue : List.of(in.catalogue2020(), in.catalogue2015())) {
        for (Row r : catalogue.select(MUNICIPALITY_CODE, STATE_NAME, MUNICIPALITY_NAME,
            SEAT_LONGITUDE, SEAT_LATITUDE).collectAsList()) {
          if (named.putIfAbsent(r.getString(0), r) == null && r.getString(1) != null) {
            stateNames.putIfAbsent(stateOf(r.getString(0)), r.getString(1));
          }
        }
      }
      Map<String, String> censusNames = new HashMap<>();
      for (Row r : in.censusCounts().groupBy(col(MUNICIPALITY_CODE))
          .agg(max(MUNICIPALITY_NAME)).collectAsList()) {
        censusNames.put(r.getString(0), r.getString(1));
      }
      return new Attributes(named, stateNames, censusNames,
          byCode(in.seats2007().select(MUNICIPALITY_CODE, SEAT_LONGITUDE, SEAT_LATITUDE)),
          byCode(in.metroZones().select(MUNICIPALITY_CODE, METRO_ZONE_CODE, METRO_ZONE_NAME)));
    }

    /** Rows by their first column, the first row of a code kept. */
    private static Map<String, Row> byCode(Dataset<Row> rows) {
      Map<String, Row> byCode = new HashMap<>();
      rows.collectAsList().forEach(r -> byCode.putIfAbsent(r.getString(0), r));
      return byCode;
    }

    Row row(String code, int firstVintage, List<Integer> vintages, Parent parent,
        String stableCode) {
      Row name = named.get(code);
      Row seat = seats2007.get(code);
      Row metro = metroZones.get(code);
      return RowFactory.create(code, stateOf(code),
          firstNonNull(field(name, 1), stateNames.get(stateOf(code))),
          firstNonNull(field(name, 2), censusNames.get(code)), firstVintage, vintages,
          parent == null ? null : parent.code(), parent == null ? null : parent.method(),
          parent == null ? null : parent.evidence(), stableCode,
          firstNonNull(field(name, 3), field(seat, 1)), firstNonNull(field(name, 4), field(seat, 2)),
          field(metro, 1), field(metro, 2));
    }

    private static <T> T field(Row row, int i) {
      return row == null ? null : row.getAs(i);
    }

    private static <T> T firstNonNull(T first, T second) {
      return first != null ? first : second;
    }
  }
}
