package org.violence.lakehouse.microdata;

import static org.violence.lakehouse.io.Expectation.holds;
import static org.violence.lakehouse.io.Expectation.notNull;
import static org.apache.spark.sql.functions.*;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.Municipalities;

/**
 * Deaths from the certificates, counted per INEGI file (year of registration), place (where the
 * death occurred or where the deceased lived), unit, year of occurrence, sex, age group, class of
 * cause and presumed intent. This is the one pass over the microdata: built file year by file
 * year, so a new yearly file is counted alone, and every later table (the homicides by year of
 * occurrence included, which gather deaths from several files) reads this small table instead of
 * the certificates.
 *
 * <p>Places are told apart as INEGI codes them: states 33-35 are abroad, municipality 999 is a
 * state's unspecified municipality, and a state outside 1-35 (99: not specified) is the national
 * unspecified unit 99999. A municipality code found in no catalogue is counted in its state's
 * unallocated unit and reported to the quarantine, as for the aggregate exports.
 */
public final class DeathRecordCounts {
  public static final String YEAR = DeathRecords.YEAR;
  public static final String PLACE = "place";
  public static final String OCCURRENCE = "occurrence";
  public static final String RESIDENCE = "residence";
  public static final String OCCURRENCE_YEAR = "occurrence_year";
  public static final String SEX = "sex";
  public static final String AGE_GROUP = "age_group";
  public static final String CAUSE = "cause";
  public static final String PRESUMED_HOMICIDE = "presumed_homicide";
  public static final String DEATHS = "deaths";
  public static final String CODE_AS_WRITTEN = "code_as_written";
  public static final String UNKNOWN = "unknown";
  /** The {@code source} of the homicides these counts add to silver.homicides. */
  public static final String SOURCE = "death_records";

  public static final Table TABLE = Table.in(Table.Layer.SILVER, "death_record_counts")
      .describedAs("Deaths from INEGI death certificates per file year, place of occurrence or "
          + "residence, unit, year of occurrence, sex, age group and cause")
      .sourcedFrom("INEGI death-certificate microdata (defunciones generales), classified here")
      .partitionedBy(YEAR)
      // Typed, so that a run without certificate files writes this schema without planning
      // the counting; the counts are conformed to it.
      .column(YEAR, IntegerType, "Year of the INEGI file (year of registration) the deaths "
          + "were read from")
      .column(PLACE, StringType, "occurrence: unit where the death occurred; residence: where "
          + "the deceased lived")
      .column(HomicideCounts.UNIT_CODE, StringType, "Municipality code, SS999 (unspecified "
          + "municipality), 99999 (state not specified), 33999-35999 (abroad), SS000 (code in "
          + "no catalogue)")
      .column(HomicideCounts.UNIT_KIND, StringType, "MUNICIPALITY, UNSPECIFIED_MUNICIPALITY, "
          + "ABROAD or STATE_UNALLOCATED")
      .column(HomicideCounts.STATE_CODE, StringType, "INEGI state code of the unit (99: not "
          + "specified)")
      .column(Municipalities.STABLE_CODE, StringType, "Panel unit of a municipality; null for "
          + "other units")
      .column(CODE_AS_WRITTEN, StringType, "State and municipality codes as the certificates "
          + "wrote them, zero-padded (SSMMM); shows the code behind an unallocated or "
          + "unspecified unit")
      .column(OCCURRENCE_YEAR, IntegerType, "Year of death (ANIODEF); null when not specified")
      .column(SEX, StringType, "male, female or unknown")
      .column(AGE_GROUP, StringType, "0 (under one year), 1-4, 5-14, 15-24, ..., 65+, or "
          + "unknown")
      .column(CAUSE, StringType, "homicide (ICD-10 X85-Y09, Y87.1; ICD-9 E960-E969 before "
          + "1998), other, or unknown (empty, malformed or ambiguous code)")
      .column(PRESUMED_HOMICIDE, BooleanType, "PRESUNTO = 2: the certifier presumed a "
          + "homicide")
      .column(DEATHS, LongType, "Death certificates")
      .column(Lineage.SOURCE_FILE, StringType, Lineage.COMMENTS.get(Lineage.SOURCE_FILE))
      .column(Lineage.RUN_ID, StringType, "Run that landed the certificates in bronze")
      .column(Lineage.LOAD_TIME, TimestampType, "When that run landed them (UTC)")
      .expect(notNull(HomicideCounts.UNIT_CODE),
          holds("deaths > 0 (groups without deaths have no row)",
              DEATHS + " > 0"))
      .build();

  private DeathRecordCounts() {}

  /**
   * Counts for the silver table, and the certificates not counted (malformed lines, another
   * year's registrations) as quarantine records without their stage.
   */
  public record Result(Dataset<Row> counts, Dataset<Row> notCounted) {
    /** Everything refused to the quarantine. */
    public Dataset<Row> refused() {
      return refused(counts);
    }

    /**
     * The same, with the codes in no catalogue taken from {@code computedCounts}, these counts
     * as the runner computed them for the gate: taken from {@link #counts}' plan, they
     * aggregated the certificates a second time (8 of the stage's 39 Spark jobs on
     * 2005-2006).
     */
    public Dataset<Row> refused(Dataset<Row> computedCounts) {
      return Quarantine.of(TABLE, notCounted.unionByName(codesInNoCatalogue(computedCounts))
          .withColumn(Lineage.LINE_NUMBER, lit(null).cast("long")), col(YEAR));
    }
  }

  public static Result build(Dataset<Row> landed, Dataset<Row> municipalities) {
    // A file holds the certificates registered in its year: one registered in another year
    // (or a file of another year under this name) would be counted twice or in the wrong year.
    Column ofTheFilesYear = coalesce(trim(col(DeathRecords.REGISTRATION_YEAR)).cast("int")
        .equalTo(col(YEAR)), lit(false));
    Dataset<Row> whole = landed.where(col(DeathRecords.MALFORMED_LINE).isNull());
    Dataset<Row> certificates = whole.where(ofTheFilesYear);
    // Certificates are counted by both places' codes first, and only those counts are split into
    // the two places: splitting each certificate first would aggregate twice as many rows.
    // A file year's rows share one lineage (a year is landed whole, from one file), so the
    // lineage joins the counts at the end instead of widening every key of the two big
    // aggregations by three columns.
    Column[] lineage = {col(YEAR)};
    Column[] traits = {col(OCCURRENCE_YEAR), col(SEX), col(AGE_GROUP), col(CAUSE),
        col(PRESUMED_HOMICIDE)};
    Dataset<Row> lineageOfYear = landed.select(col(YEAR), col(Lineage.SOURCE_FILE),
        col(Lineage.RUN_ID), col(Lineage.LOAD_TIME)).distinct();
    Dataset<Row> byBothPlaces = certificates.select(col(YEAR),
            year(col(DeathRecords.DEATH_YEAR)).as(OCCURRENCE_YEAR), sex(), ageGroup(),
            CauseOfDeath.classify(col(DeathRecords.CAUSE), col(YEAR)).as(CAUSE),
            coalesce(trim(col(DeathRecords.PRESUMED_INTENT)).equalTo("2"), lit(false))
                .as(PRESUMED_HOMICIDE), col(DeathRecords.OCCURRENCE_STATE),
            col(DeathRecords.OCCURRENCE_MUNICIPALITY), col(DeathRecords.RESIDENCE_STATE),
            col(DeathRecords.RESIDENCE_MUNICIPALITY))
        .groupBy(columns(lineage, traits, new Column[] {col(DeathRecords.OCCURRENCE_STATE),
            col(DeathRecords.OCCURRENCE_MUNICIPALITY), col(DeathRecords.RESIDENCE_STATE),
            col(DeathRecords.RESIDENCE_MUNICIPALITY)}))
        .agg(count(lit(1)).as(DEATHS));
    Column places = explode(array(
        struct(lit(OCCURRENCE).as(PLACE), col(DeathRecords.OCCURRENCE_STATE).as("st"),
            col(DeathRecords.OCCURRENCE_MUNICIPALITY).as("mun")),
        struct(lit(RESIDENCE).as(PLACE), col(DeathRecords.RESIDENCE_STATE).as("st"),
            col(DeathRecords.RESIDENCE_MUNICIPALITY).as("mun"))));
    // Each place's codes are resolved to its unit before the one aggregation by unit: grouping
    // by the codes first, then again by unit, cost an aggregation and a shuffle more.
    Dataset<Row> placed = byBothPlaces.select(columns(lineage, traits,
            new Column[] {col(DEATHS), places.as("p")}))
        .select(columns(lineage, traits, new Column[] {col(DEATHS), col("p." + PLACE).as(PLACE),
            code(col("p.st"), 2).as("st"), code(col("p.mun"), 3).as("mun")}));

    Column state = col("st").cast("int");
    Column municipality = col("mun").cast("int");
    Dataset<Row> known = municipalities.select(col(Municipalities.MUNICIPALITY_CODE).as("known"),
        col(Municipalities.STABLE_CODE));
    Dataset<Row> units = placed
        .join(broadcast(known), concat(col("st"), col("mun")).equalTo(col("known")), "left")
        .withColumn(HomicideCounts.UNIT_KIND,
            when(state.between(33, 35), lit(HomicideCounts.ABROAD))
                .when(state.isNull().or(not(state.between(1, 32))).or(municipality.isNull())
                    .or(municipality.equalTo(999)), lit(HomicideCounts.UNSPECIFIED_MUNICIPALITY))
                .when(col("known").isNotNull(), lit(HomicideCounts.MUNICIPALITY))
                .otherwise(lit(HomicideCounts.STATE_UNALLOCATED)))
        .withColumn(HomicideCounts.STATE_CODE, when(state.between(1, 35), col("st"))
            .otherwise(lit("99")))
        .withColumn(HomicideCounts.UNIT_CODE, concat(col(HomicideCounts.STATE_CODE),
            when(col(HomicideCounts.UNIT_KIND).equalTo(HomicideCounts.MUNICIPALITY), col("mun"))
                .when(col(HomicideCounts.UNIT_KIND).equalTo(HomicideCounts.STATE_UNALLOCATED),
                    lit("000"))
                .otherwise(lit("999"))));

    Dataset<Row> counts = TABLE.conformed(units.groupBy(col(YEAR), col(PLACE),
            col(HomicideCounts.UNIT_CODE), col(HomicideCounts.UNIT_KIND),
            col(HomicideCounts.STATE_CODE),
            when(col(HomicideCounts.UNIT_KIND).equalTo(HomicideCounts.MUNICIPALITY),
                col(Municipalities.STABLE_CODE)).as(Municipalities.STABLE_CODE),
            concat(col("st"), col("mun")).as(CODE_AS_WRITTEN),
            col(OCCURRENCE_YEAR), col(SEX), col(AGE_GROUP), col(CAUSE), col(PRESUMED_HOMICIDE))
        .agg(sum(DEATHS).as(DEATHS))
        .join(broadcast(lineageOfYear), YEAR));

    Column fields = size(split(col(DeathRecords.MALFORMED_LINE), ",", -1));
    Dataset<Row> malformed = landed.where(col(DeathRecords.MALFORMED_LINE).isNotNull())
        .select(col(YEAR), col(Lineage.SOURCE_FILE), col(Lineage.RUN_ID), col(Lineage.LOAD_TIME),
            col(DeathRecords.MALFORMED_LINE).as(Quarantine.RECORD),
            concat(lit("has "), fields, lit(" comma-separated fields, not the "
                + DeathRecords.COLUMNS.size() + " of INEGI's layout; not counted")).as(
                Quarantine.REASON));
    Dataset<Row> otherYear = whole.where(not(ofTheFilesYear))
        .groupBy(col(YEAR), col(Lineage.SOURCE_FILE), col(DeathRecords.REGISTRATION_YEAR))
        .agg(count(lit(1)).as(DEATHS), max(Lineage.RUN_ID).as(Lineage.RUN_ID),
            max(Lineage.LOAD_TIME).as(Lineage.LOAD_TIME))
        .select(col(YEAR), col(Lineage.SOURCE_FILE), col(Lineage.RUN_ID), col(Lineage.LOAD_TIME),
            concat(lit("ANIOREG="), coalesce(col(DeathRecords.REGISTRATION_YEAR), lit("")),
                lit(" certificates="), col(DEATHS)).as(Quarantine.RECORD),
            concat(lit("year of registration (ANIOREG) '"),
                coalesce(col(DeathRecords.REGISTRATION_YEAR), lit("")),
                lit("' is not the year of the file, "), col(YEAR).cast("string"),
                lit("; these certificates are not counted")).as(Quarantine.REASON));
    return new Result(counts, malformed.unionByName(otherYear));
  }

  /**
   * Deaths counted in a state's unallocated unit, by code as written: derived from the counts
   * rather than from the certificates, so that the certificates are aggregated once.
   */
  private static Dataset<Row> codesInNoCatalogue(Dataset<Row> counts) {
    return counts
        .where(col(HomicideCounts.UNIT_KIND).equalTo(HomicideCounts.STATE_UNALLOCATED))
        .groupBy(col(YEAR), col(Lineage.SOURCE_FILE), col(PLACE), col(CODE_AS_WRITTEN))
        .agg(sum(DEATHS).as(DEATHS), max(Lineage.RUN_ID).as(Lineage.RUN_ID),
            max(Lineage.LOAD_TIME).as(Lineage.LOAD_TIME))
        .select(col(YEAR), col(Lineage.SOURCE_FILE), col(Lineage.RUN_ID), col(Lineage.LOAD_TIME),
            concat(lit("place="), col(PLACE), lit(" code="), col(CODE_AS_WRITTEN),
                lit(" deaths="), col(DEATHS)).as(Quarantine.RECORD),
            concat(lit("municipality code "), col(CODE_AS_WRITTEN), lit(" is in no "
                + "municipality catalogue; its deaths are counted in the state's unallocated "
                + "unit ("), col(CODE_AS_WRITTEN).substr(1, 2), lit("000)"))
                .as(Quarantine.REASON));
  }

  /**
   * Homicides by municipality of occurrence, on both bases, as rows of silver.homicides labelled
   * {@link #SOURCE}: by year of registration (the file's year) and by year of occurrence (every
   * file holding deaths of that year; deaths whose year is not specified have none).
   */
  public static Dataset<Row> homicides(Dataset<Row> counts) {
    Dataset<Row> homicides = counts.where(col(PLACE).equalTo(OCCURRENCE)
        .and(col(CAUSE).equalTo(CauseOfDeath.HOMICIDE)));
    Dataset<Row> byBasis = homicides.select(col(HomicideCounts.UNIT_CODE),
            col(HomicideCounts.UNIT_KIND), col(HomicideCounts.STATE_CODE),
            col(Municipalities.STABLE_CODE), col(YEAR).as(HomicideCounts.YEAR),
            lit(HomicideCounts.REGISTRATION).as(HomicideCounts.BASIS), col(DEATHS),
            col(Lineage.SOURCE_FILE))
        .unionByName(homicides.where(col(OCCURRENCE_YEAR).isNotNull()).select(
            col(HomicideCounts.UNIT_CODE), col(HomicideCounts.UNIT_KIND),
            col(HomicideCounts.STATE_CODE), col(Municipalities.STABLE_CODE),
            col(OCCURRENCE_YEAR).as(HomicideCounts.YEAR),
            lit(HomicideCounts.OCCURRENCE).as(HomicideCounts.BASIS), col(DEATHS),
            col(Lineage.SOURCE_FILE)));
    return byBasis.groupBy(HomicideCounts.UNIT_CODE, HomicideCounts.UNIT_KIND,
            HomicideCounts.STATE_CODE, Municipalities.STABLE_CODE, HomicideCounts.YEAR,
            HomicideCounts.BASIS)
        .agg(sum(DEATHS).as(org.violence.lakehouse.bronze.InegiCubeSource.HOMICIDES),
            concat_ws(", ", array_sort(collect_set(Lineage.SOURCE_FILE)))
                .as(Lineage.SOURCE_FILE))
        .withColumn(HomicideCounts.SOURCE, lit(SOURCE));
  }

  /** Columns of {@link #certificates}. */
  public static final String IS_HOMICIDE = "is_homicide";
  public static final String OCCURRENCE_MUNICIPALITY = "occurrence_municipality";
  public static final String OCCURRENCE_STATE = "occurrence_state";

  /**
   * One row per well-formed certificate, for individual-level models: whether the death is a
   * homicide (1/0; null when the cause is unknown), sex, age group, the state and municipality
   * codes of occurrence as written (padded), and the year of registration.
   */
  public static Dataset<Row> certificates(Dataset<Row> landed) {
    Column cause = CauseOfDeath.classify(col(DeathRecords.CAUSE), col(YEAR));
    return landed.where(col(DeathRecords.MALFORMED_LINE).isNull()).select(
        when(cause.equalTo(CauseOfDeath.HOMICIDE), lit(1.0))
            .when(cause.equalTo(CauseOfDeath.OTHER), lit(0.0)).as(IS_HOMICIDE),
        sex(), ageGroup(), code(col(DeathRecords.OCCURRENCE_STATE), 2).as(OCCURRENCE_STATE),
        concat(code(col(DeathRecords.OCCURRENCE_STATE), 2),
            code(col(DeathRecords.OCCURRENCE_MUNICIPALITY), 3)).as(OCCURRENCE_MUNICIPALITY),
        col(YEAR));
  }

  /** INEGI writes codes without leading zeros; the catalogues pad them. Non-digits stay as read. */
  private static Column code(Column raw, int width) {
    Column text = trim(raw);
    return when(text.rlike("^[0-9]+$"), lpad(text.cast("int").cast("string"), width, "0"))
        .otherwise(text);
  }

  private static Column[] columns(Column[]... groups) {
    return java.util.Arrays.stream(groups).flatMap(java.util.Arrays::stream)
        .toArray(Column[]::new);
  }

  private static Column year(Column raw) {
    Column value = trim(raw).cast("int");
    return when(value.between(1900, 2100), value);
  }

  private static Column sex() {
    Column code = trim(col(DeathRecords.SEX));
    return when(code.equalTo("1"), lit("male")).when(code.equalTo("2"), lit("female"))
        .otherwise(lit(UNKNOWN)).as(SEX);
  }

  /** Ages in years from EDADUNI/EDADVALOR; months, days and hours are the first year of life. */
  private static Column ageGroup() {
    Column unit = upper(trim(col(DeathRecords.AGE_UNIT)));
    Column years = trim(col(DeathRecords.AGE_VALUE)).cast("int");
    Column inYears = when(years.isNull().or(years.gt(130)).or(years.lt(0)), lit(UNKNOWN))
        .when(years.equalTo(0), lit("0")).when(years.leq(4), lit("1-4"))
        .when(years.leq(14), lit("5-14")).when(years.leq(24), lit("15-24"))
        .when(years.leq(34), lit("25-34")).when(years.leq(44), lit("35-44"))
        .when(years.leq(54), lit("45-54")).when(years.leq(64), lit("55-64"))
        .otherwise(lit("65+"));
    return when(unit.equalTo("A"), inYears).when(unit.isin("M", "D", "H"), lit("0"))
        .otherwise(lit(UNKNOWN)).as(AGE_GROUP);
  }
}
