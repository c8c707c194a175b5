package org.violence.lakehouse.microdata;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.decode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.bronze.BronzeIngest;
import org.violence.lakehouse.io.InputException;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.io.TextFiles;
import org.violence.lakehouse.sources.Csv;

/**
 * INEGI's death-certificate microdata ("defunciones generales"), one yearly file per year of
 * registration, landed as {@code bronze.death_records} with INEGI's own column names. Unlike the
 * agencies' small exports (parsed on the driver, see {@link BronzeIngest}), these files hold
 * 0.5-0.8 million rows a year, so they are read by Spark, in parallel, as text lines split into
 * fields (see {@link #read}). Every field stays text, as INEGI writes it: its columns are codes
 * (DESDOBLA holds "NA", EDADUNI letters), and what a code means is decided in silver, where
 * unknown values are counted as unknown rather than lost at parse time.
 *
 * <p>A line with the wrong number of fields is landed too, as it came, with its raw text in
 * {@value #MALFORMED_LINE}: a short line's missing fields are null and a long line's extra fields
 * are dropped, so its fields cannot be trusted, and silver sends it to the quarantine instead of
 * counting it. Landing it rather than refusing it at bronze is what lets one parse of each file
 * serve both the table and the quarantine: at national scale, parsing the CSV is most of the cost.
 */
public final class DeathRecords {
  /** Key of the source under {@code sources:} in the configuration. */
  public static final String CONFIG_KEY = "death_records";
  /** Year of the file: INEGI publishes one file per year of registration. */
  public static final String YEAR = "year";

  public static final String CAUSE = "CAUSADEF";
  public static final String PRESUMED_INTENT = "PRESUNTO";
  public static final String SEX = "SEXO";
  public static final String AGE_UNIT = "EDADUNI";
  public static final String AGE_VALUE = "EDADVALOR";
  public static final String RESIDENCE_STATE = "ENTRH";
  public static final String RESIDENCE_MUNICIPALITY = "MUNRH";
  public static final String OCCURRENCE_STATE = "ENTOCU";
  public static final String OCCURRENCE_MUNICIPALITY = "MUNOCU";
  public static final String DEATH_YEAR = "ANIODEF";
  public static final String REGISTRATION_YEAR = "ANIOREG";
  public static final String MALFORMED_LINE = "malformed_line";

  /** INEGI's columns, in the order of its files, with what each holds. */
  public static final Map<String, String> COLUMNS = columns();

  /** The raw file's schema: every INEGI column as text. */
  public static final StructType RAW_SCHEMA = rawSchema();

  public static final Table TABLE = Table.in(Table.Layer.BRONZE, "death_records")
      .describedAs("INEGI death certificates, one row per death, as the yearly files have them "
          + "(every field as text)")
      .partitionedBy(YEAR)
      .column(YEAR, "Year of the INEGI file the row was read from (its year of registration)")
      .column(Lineage.SOURCE_FILE, Lineage.COMMENTS.get(Lineage.SOURCE_FILE))
      .columns(COLUMNS)
      .column(MALFORMED_LINE, "The raw line when it does not have the " + COLUMNS.size()
          + " fields of INEGI's layout (its fields are then unreliable; silver quarantines it), "
          + "null for a whole line")
      .column(Lineage.RUN_ID, Lineage.COMMENTS.get(Lineage.RUN_ID))
      .column(Lineage.LOAD_TIME, Lineage.COMMENTS.get(Lineage.LOAD_TIME))
      // Per-file minimum and maximum of code columns skip nothing (a yearly file spans every
      // state and cause) and cost a quarter of the write; the year is a partition anyway.
      .property("delta.dataSkippingNumIndexedCols", "0")
      .build();

  private static final String LINE = "line";
  private static final String FIELDS = "fields";

  private DeathRecords() {}

  /**
   * The bronze rows of the given yearly files, lazily: one scan per file, unioned, so each row
   * knows its file and year without a path lookup.
   *
   * <p>Lines are read as text and split on commas; only a line holding a quote goes through an
   * RFC 4180 parser ({@link Csv#fields}). INEGI quotes nothing, and at national scale Spark's own
   * CSV reader (a parser call and a string conversion per field) took about twice as long as
   * this split (jobs/BENCHMARKS.md). The reader's rules are kept: an empty field is null, blank
   * lines are skipped, and a line without the layout's fields keeps the fields it has (missing
   * ones null) and its raw text.
   */
  public static Dataset<Row> read(SparkSession spark, String inputsRoot, String encoding,
      List<BronzeIngest.RawFile> files, String runId, Timestamp loadTime) {
    String root = inputsRoot.endsWith("/") ? inputsRoot : inputsRoot + "/";
    Charset charset = Charset.forName(encoding);
    Dataset<Row> landed = files.stream()
        .map(file -> landed(spark, root + file.path(), file, charset))
        .reduce(Dataset::unionByName)
        .orElseGet(() -> spark.createDataFrame(List.of(), RAW_SCHEMA
                .add(MALFORMED_LINE, DataTypes.StringType))
            .withColumn(YEAR, lit(null).cast("int"))
            .withColumn(Lineage.SOURCE_FILE, lit(null).cast("string")));
    List<Column> bronze = new java.util.ArrayList<>(List.of(col(YEAR), col(Lineage.SOURCE_FILE)));
    COLUMNS.keySet().forEach(name -> bronze.add(col(name)));
    bronze.add(col(MALFORMED_LINE));
    bronze.add(lit(runId).as(Lineage.RUN_ID));
    bronze.add(lit(loadTime).as(Lineage.LOAD_TIME));
    return landed.select(bronze.toArray(Column[]::new));
  }

  /**
   * A line's fields, by RFC 4180 (a plain split when the line quotes nothing), an empty field as
   * null, as Spark's CSV reader has it; null when the line's quotes do not balance, which makes
   * the line malformed. A function of the line rather than Spark's {@code split} plus a null test
   * per column: those 46 tests make the generated code too big for the JIT to compile, and the
   * read ran interpreted, five times slower.
   */
  private static final UserDefinedFunction FIELDS_OF_LINE = udf((UDF1<String, String[]>) line -> {
    List<String> fields;
    try {
      fields = Csv.fields(line, ',');
    } catch (IllegalArgumentException unbalanced) {
      return null;
    }
    String[] values = new String[fields.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = fields.get(i).isEmpty() ? null : fields.get(i);
    }
    return values;
  }, DataTypes.createArrayType(DataTypes.StringType));

  /** One file's lines as INEGI's columns (by its header's order), with its year and name. */
  private static Dataset<Row> landed(SparkSession spark, String uri, BronzeIngest.RawFile file,
      Charset charset) {
    var hadoop = spark.sparkContext().hadoopConfiguration();
    String header = TextFiles.firstLine(hadoop, uri, file.path(), charset);
    List<String> names = columnsOfHeader(header, file.path());
    // The text source hands over the bytes as they are; another encoding is decoded here.
    Column text = charset.equals(StandardCharsets.UTF_8) ? col("value")
        : decode(col("value").cast("binary"), charset.name());
    Column line = col(LINE);
    Column fields = col(FIELDS);
    List<Column> columns = new java.util.ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      columns.add(fields.getItem(i).as(names.get(i)));
    }
    columns.add(when(fields.isNull().or(size(fields).notEqual(names.size())), line)
        .as(MALFORMED_LINE));
    columns.add(lit(file.year()).as(YEAR));
    columns.add(lit(file.path()).as(Lineage.SOURCE_FILE));
    return spark.read().text(uri).select(text.as(LINE))
        // The header as the text source reads it: maybe with spaces or a byte-order mark.
        .where(not(trim(line).isin("", header, "\uFEFF" + header)))
        .select(line, FIELDS_OF_LINE.apply(line).as(FIELDS))
        .select(columns.toArray(Column[]::new));
  }

  /**
   * INEGI's columns in the order a file's header names them (the fields are taken by position),
   * so a file with columns in another order (ENTOCU and MUNOCU swapped) is read by name. Names
   * are compared without case (INEGI's newer files write them in lower case); a missing, unknown
   * or repeated column is refused, naming the file.
   */
  static List<String> columnsOfHeader(String header, String file) {
    List<String> names = Csv.fields(header, ',').stream()
        .map(name -> name.strip().toUpperCase(java.util.Locale.ROOT)).toList();
    List<String> missing = COLUMNS.keySet().stream().filter(c -> !names.contains(c)).toList();
    List<String> unknown = names.stream().filter(n -> !COLUMNS.containsKey(n)).toList();
    if (!missing.isEmpty() || !unknown.isEmpty() || names.size() != COLUMNS.size()) {
      throw new InputException(file, 1, "the header is not INEGI's layout of " + COLUMNS.size()
          + " columns: " + (missing.isEmpty() ? "" : "missing " + missing + " ")
          + (unknown.isEmpty() ? "" : "unknown " + unknown + " ")
          + (names.size() != new java.util.HashSet<>(names).size() ? "a column repeated " : "")
          + "in " + names.size() + " columns");
    }
    return names;
  }

  private static StructType rawSchema() {
    StructType schema = new StructType();
    for (String name : COLUMNS.keySet()) {
      schema = schema.add(name, DataTypes.StringType, true);
    }
    return schema;
  }

  private static Map<String, String> columns() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(CAUSE, "Underlying cause of death: ICD-10 code from 1998, ICD-9 before");
    c.put("ANIONAC", "Year of birth");
    c.put("MESNAC", "Month of birth (0: not specified)");
    c.put("DIANAC", "Day of birth (0: not specified)");
    c.put(SEX, "Sex: 1 male, 2 female, other values not specified");
    c.put(AGE_UNIT, "Unit of the age: A years, M months, D days, H hours");
    c.put(AGE_VALUE, "Age in EDADUNI units (998/999: not specified)");
    c.put("NACION", "Nationality");
    c.put("EDOCIVIL", "Marital status");
    c.put(RESIDENCE_STATE, "State of usual residence (33-35 abroad, 99 not specified)");
    c.put(RESIDENCE_MUNICIPALITY, "Municipality of usual residence (999 not specified)");
    c.put("LOCRH", "Locality of residence");
    c.put("TAMLOCRH", "Size class of the locality of residence");
    c.put("OCUPACION", "Occupation");
    c.put("ESCOL", "Schooling");
    c.put("DERHAB", "Health-insurance entitlement");
    c.put(OCCURRENCE_STATE, "State where the death occurred (33-35 abroad, 99 not specified)");
    c.put(OCCURRENCE_MUNICIPALITY, "Municipality where the death occurred (999 not specified)");
    c.put("LOCOCU", "Locality of occurrence");
    c.put("TAMLOCOC", "Size class of the locality of occurrence");
    c.put("SITIO_LES", "Place where the injury happened");
    c.put(DEATH_YEAR, "Year of death (0 or 9999: not specified)");
    c.put("MESDEF", "Month of death");
    c.put("DIADEF", "Day of death");
    c.put("HORADEF", "Hour of death");
    c.put("MINDEF", "Minute of death");
    c.put("ASIST", "Medical assistance before death");
    c.put("DESDOBLA", "Breakdown code of the cause list");
    c.put(PRESUMED_INTENT, "Presumed intent: 1 accident, 2 homicide, 3 suicide, 4 unknown");
    c.put("TRABAJO", "Injury at work");
    c.put("LUGLES", "Place of the injury (detailed)");
    c.put("VIOLFAM", "Family violence");
    c.put("NECROPCIA", "Autopsy performed");
    c.put("CERTIF", "Who certified the death");
    c.put("ENTREGF", "State of the registry office");
    c.put("MUNREGF", "Municipality of the registry office");
    c.put(REGISTRATION_YEAR, "Year of registration");
    c.put("MESREG", "Month of registration");
    c.put("DIAREG", "Day of registration");
    c.put("PESO", "Birth weight (infant deaths; 8888 not applicable)");
    c.put("ANIOCERT", "Year of certification");
    c.put("MESCERT", "Month of certification");
    c.put("DIACERT", "Day of certification");
    c.put("CONDEMBA", "Pregnancy condition");
    c.put("REL_EMBA", "Death related to pregnancy");
    c.put("COMPLICARO", "Complications of pregnancy");
    return java.util.Collections.unmodifiableMap(c);
  }
}
