package org.violence.lakehouse.silver;

import static org.violence.lakehouse.io.Expectation.notNull;
import static org.violence.lakehouse.io.Expectation.uniqueKey;
import static org.apache.spark.sql.functions.*;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
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

  /** Official split decrees that replace an inferred parent; part of the configuration. */
  private static Dataset<Row> parentOverrides(SparkSession spark, String file) {
    if (file == null) {
      return spark.createDataFrame(List.of(), OVERRIDE_SCHEMA);
    }
    if (!new java.io.File(file).isFile()) {
      throw new ConfigException("geography.parent_overrides", "file " + file + " does not exist");
    }
    Dataset<Row> overrides = spark.read().option("header", "true")
        .option("mode", "FAILFAST").schema(OVERRIDE_SCHEMA).csv(file);
    long malformed = overrides.where(not(col(MUNICIPALITY_CODE).rlike("^\\d{5}$")
        .and(col(PARENT_CODE).rlike("^\\d{5}$")))).count();
    if (malformed > 0) {
      throw new ConfigException("geography.parent_overrides", file + " has " + malformed
          + " row(s) whose codes are not 5 digits");
    }
    return overrides;
  }

  public static Dataset<Row> build(Inputs in, int baseVintage) {
    Dataset<Row> vintagePopulation = vintagePopulation(in);
    Dataset<Row> existence = vintagePopulation.groupBy(MUNICIPALITY_CODE).agg(
        min("vintage").as(FIRST_VINTAGE), sort_array(collect_set("vintage")).as(VINTAGES));
    Dataset<Row> parents = overridden(inferParents(vintagePopulation, existence, in, baseVintage),
        in.parentOverrides());
    Dataset<Row> lineage = existence.join(parents, MUNICIPALITY_CODE, "left");
    return withAttributes(withStableCodes(lineage), in);
  }

  /** Population of each municipality in each census or count that lists it. */
  private static Dataset<Row> vintagePopulation(Inputs in) {
    Dataset<Row> censuses = in.censusCounts()
        .where(col("sex").equalTo("Total").and(col("population").isNotNull()))
        .select(col(MUNICIPALITY_CODE), col("year").as("vintage"), col("population"));
    Dataset<Row> catalogues = in.catalogue2015()
        .select(col(MUNICIPALITY_CODE), lit(2015).as("vintage"), col("population"))
        .unionByName(in.catalogue2020()
            .select(col(MUNICIPALITY_CODE), lit(2020).as("vintage"), col("population")));
    // Codes ending 990-999 are INEGI's "not specified" and statistical remainders
    // (e.g. 07998 "Otros municipios" in the 1995 count), not municipalities.
    return censuses.unionByName(catalogues)
        .where(substring(col(MUNICIPALITY_CODE), 3, 3).lt("990"));
  }

  private static Dataset<Row> inferParents(Dataset<Row> vintagePopulation,
      Dataset<Row> existence, Inputs in, int baseVintage) {
    Dataset<Row> children = existence.where(col(FIRST_VINTAGE).gt(baseVintage))
        .select(col(MUNICIPALITY_CODE).as("child"), col(FIRST_VINTAGE).as("created_by"));
    Dataset<Row> candidates = existence
        .select(col(MUNICIPALITY_CODE).as("candidate"), col(FIRST_VINTAGE).as("candidate_first"));
    Dataset<Row> borders = in.adjacency()
        .select(col("municipality_code_a").as("a"), col("municipality_code_b").as("b"))
        .unionByName(in.adjacency()
            .select(col("municipality_code_b").as("a"), col("municipality_code_a").as("b")))
        .distinct().withColumn("borders", lit(true));
    Dataset<Row> census = vintagePopulation.select(col(MUNICIPALITY_CODE).as("candidate"),
        col("vintage"), col("population"));
    Dataset<Row> estimates = in.populationEstimates().where(col("sex").equalTo("Total"))
        .select(col(MUNICIPALITY_CODE), col("year"), col("population").as("estimate"));

    // The candidate's last census before the child appears, and its first one after.
    Dataset<Row> pairs = children
        .join(candidates, substring(col("child"), 1, 2).equalTo(
            substring(col("candidate"), 1, 2)).and(col("candidate_first").lt(col("created_by"))))
        .join(borders, col("a").equalTo(col("child")).and(col("b").equalTo(col("candidate"))),
            "left")
        .withColumn("borders", coalesce(col("borders"), lit(false)))
        .drop("a", "b");
    Dataset<Row> before = pairs.join(census, "candidate")
        .where(col("vintage").lt(col("created_by")))
        .withColumn("rank", row_number().over(Window.partitionBy("child", "candidate")
            .orderBy(col("vintage").desc())))
        .where(col("rank").equalTo(1))
        .select(col("child"), col("candidate"), col("created_by"), col("borders"),
            col("vintage").as("vintage_before"), col("population").as("population_before"));
    Dataset<Row> after = census.select(col("candidate"), col("vintage").as("created_by"),
        col("population").as("population_after"));
    Dataset<Row> childEstimate = estimates.select(col(MUNICIPALITY_CODE).as("child"),
        col("year").as("vintage_before"), col("estimate").as("child_backprojection"));
    Dataset<Row> candidateEstimate = estimates.select(col(MUNICIPALITY_CODE).as("candidate"),
        col("year").as("vintage_before"), col("estimate").as("candidate_estimate"));

    Column backprojected = col("child_backprojection").isNotNull()
        .and(col("candidate_estimate").isNotNull());
    Dataset<Row> scored = before
        .join(after, new String[] {"candidate", "created_by"}, "left")
        .join(childEstimate, new String[] {"child", "vintage_before"}, "left")
        .join(candidateEstimate, new String[] {"candidate", "vintage_before"}, "left")
        .withColumn("method", when(backprojected, lit("conapo_backprojection"))
            .otherwise(lit("census_population_drop")))
        .withColumn("evidence", when(backprojected,
            col("population_before").minus(col("candidate_estimate")))
            .otherwise(col("population_before").minus(col("population_after"))));
    // A child is judged by one method for all its candidates: back-projection when CONAPO has it.
    WindowSpec perChild = Window.partitionBy("child");
    WindowSpec best = Window.partitionBy("child").orderBy(col("borders").desc(),
        col("evidence").desc_nulls_last(), col("candidate"));
    return scored
        .withColumn("child_method", max(when(backprojected, 1).otherwise(0)).over(perChild))
        .where(col("child_method").equalTo(when(backprojected, 1).otherwise(0)))
        .withColumn("rank", row_number().over(best))
        .where(col("rank").equalTo(1))
        .select(col("child").as(MUNICIPALITY_CODE), col("candidate").as(PARENT_CODE),
            col("method").as(PARENT_METHOD), col("evidence").as(PARENT_EVIDENCE));
  }

  private static Dataset<Row> overridden(Dataset<Row> inferred, Dataset<Row> overrides) {
    Dataset<Row> decrees = overrides.select(col(MUNICIPALITY_CODE),
        col(PARENT_CODE).as("decreed_parent"));
    return inferred.join(decrees, MUNICIPALITY_CODE, "full_outer").select(
        col(MUNICIPALITY_CODE),
        coalesce(col("decreed_parent"), col(PARENT_CODE)).as(PARENT_CODE),
        when(col("decreed_parent").isNotNull(), lit("official_decree"))
            .otherwise(col(PARENT_METHOD)).as(PARENT_METHOD),
        when(col("decreed_parent").isNotNull(), lit(null).cast("double"))
            .otherwise(col(PARENT_EVIDENCE)).as(PARENT_EVIDENCE));
  }

  /** Follows parents up to the base vintage; municipalities of the base vintage are their own. */
  private static Dataset<Row> withStableCodes(Dataset<Row> lineage) {
    Dataset<Row> parentOf = lineage.select(col(MUNICIPALITY_CODE).as("ancestor"),
        col(PARENT_CODE).as("ancestor_parent"));
    Dataset<Row> resolved = lineage.withColumn(STABLE_CODE,
        coalesce(col(PARENT_CODE), col(MUNICIPALITY_CODE)));
    for (int generation = 1; generation < MAX_SPLIT_GENERATIONS; generation++) {
      resolved = resolved.join(parentOf, col(STABLE_CODE).equalTo(col("ancestor")), "left")
          .withColumn(STABLE_CODE, coalesce(col("ancestor_parent"), col(STABLE_CODE)))
          .drop("ancestor", "ancestor_parent");
    }
    return resolved;
  }

  private static Dataset<Row> withAttributes(Dataset<Row> lineage, Inputs in) {
    // Names and seats from the newest catalogue that lists the municipality.
    Dataset<Row> named = in.catalogue2020().select(col(MUNICIPALITY_CODE), col(STATE_NAME),
            col(MUNICIPALITY_NAME), col(SEAT_LONGITUDE), col(SEAT_LATITUDE), lit(2).as("priority"))
        .unionByName(in.catalogue2015().select(col(MUNICIPALITY_CODE), col(STATE_NAME),
            col(MUNICIPALITY_NAME), col(SEAT_LONGITUDE), col(SEAT_LATITUDE),
            lit(1).as("priority")))
        .withColumn("rank", row_number().over(Window.partitionBy(MUNICIPALITY_CODE)
            .orderBy(col("priority").desc())))
        .where(col("rank").equalTo(1)).drop("rank", "priority");
    Dataset<Row> stateNames = named.groupBy(substring(col(MUNICIPALITY_CODE), 1, 2).as(
        STATE_CODE)).agg(first(STATE_NAME).as("state_of_code"));
    Dataset<Row> censusNames = in.censusCounts().groupBy(col(MUNICIPALITY_CODE))
        .agg(max("municipality_name").as("census_name"));
    Dataset<Row> seats = in.seats2007().select(col(MUNICIPALITY_CODE),
        col(SEAT_LONGITUDE).as("seat_longitude_2007"), col(SEAT_LATITUDE).as("seat_latitude_2007"));
    Dataset<Row> metro = in.metroZones().groupBy(MUNICIPALITY_CODE).agg(
        first("metro_zone_code").as(METRO_ZONE_CODE), first("metro_zone_name").as(METRO_ZONE_NAME));
    return lineage
        .join(named, MUNICIPALITY_CODE, "left")
        .join(censusNames, MUNICIPALITY_CODE, "left")
        .join(seats, MUNICIPALITY_CODE, "left")
        .join(metro, MUNICIPALITY_CODE, "left")
        .withColumn(STATE_CODE, substring(col(MUNICIPALITY_CODE), 1, 2))
        .join(stateNames, STATE_CODE, "left")
        .select(col(MUNICIPALITY_CODE), col(STATE_CODE),
            coalesce(col(STATE_NAME), col("state_of_code")).as(STATE_NAME),
            coalesce(col(MUNICIPALITY_NAME), col("census_name")).as(MUNICIPALITY_NAME),
            col(FIRST_VINTAGE), col(VINTAGES), col(PARENT_CODE), col(PARENT_METHOD),
            col(PARENT_EVIDENCE), col(STABLE_CODE),
            coalesce(col(SEAT_LONGITUDE), col("seat_longitude_2007")).as(SEAT_LONGITUDE),
            coalesce(col(SEAT_LATITUDE), col("seat_latitude_2007")).as(SEAT_LATITUDE),
            col(METRO_ZONE_CODE), col(METRO_ZONE_NAME));
  }
}
