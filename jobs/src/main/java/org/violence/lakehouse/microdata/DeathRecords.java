package org.violence.lakehouse.microdata;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.nio.charset.Charset;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.violence.lakehouse.bronze.BronzeIngest;
import org.violence.lakehouse.conf.LakehouseConfig;
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
      .large()
      .build();

  private DeathRecords() {}

  /**
   * The bronze rows of the given yearly files, lazily, in one scan of all of them.
   *
   * <p>Lines are split on commas straight from the files' buffers ({@link CertificateFiles});
   * only a line holding a quote goes through an RFC 4180 parser ({@link Csv#fields}). INEGI
   * quotes nothing, and at national scale Spark's own CSV reader (a parser call and a string
   * conversion per field) took about twice as long as a split (jobs/BENCHMARKS.md). The reader's
   * rules are kept: an empty field is null, blank lines and the header are skipped, and a line
   * without the layout's fields keeps the fields it has (missing ones null) and its raw text.
   *
   * <p>One scan rather than one per file: a union of per-file plans compiled and warmed up the
   * same generated code once per file, and 25 yearly files spent more time in the compilers than
   * in the split (jobs/BENCHMARKS.md).
   */
  public static Dataset<Row> read(SparkSession spark, String inputsRoot, String encoding,
      List<BronzeIngest.RawFile> files, String runId, Timestamp loadTime) {
    Dataset<Row> lines;
    if (files.isEmpty()) {
      lines = spark.createDataFrame(List.of(), CertificateFiles.SCHEMA);
    } else {
      String root = LakehouseConfig.folder(inputsRoot);
      Charset charset = Charset.forName(encoding);
      var hadoop = spark.sparkContext().hadoopConfiguration();
      List<String> uris = files.stream().map(file -> root + file.path()).toList();
      List<String> headers = files.stream().map(file -> TextFiles.firstLine(hadoop,
          root + file.path(), file.path(), charset)).toList();
      lines = spark.read().format(CertificateFiles.class.getName())
          .options(CertificateFiles.options(encoding, uris, files.stream()
              .map(BronzeIngest.RawFile::path).toList(), files.stream()
              .map(BronzeIngest.RawFile::year).toList(), headers))
          .load();
    }
    return lines.select(col("*"), lit(runId).as(Lineage.RUN_ID),
        lit(loadTime).as(Lineage.LOAD_TIME));
  }

  /** Where each of INEGI's columns sits in the lines of a file with the given header. */
  static int[] positionsOf(List<String> header) {
    return COLUMNS.keySet().stream().mapToInt(header::indexOf).toArray();
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
