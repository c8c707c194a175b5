package org.violence.lakehouse.microdata;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.violence.lakehouse.LakehouseTestBase;
import org.violence.lakehouse.bronze.BronzeIngest;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.InputException;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.quality.QualityGate;
import org.violence.lakehouse.run.StageRunner;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.Municipalities;

/**
 * The real Sinaloa death certificates (2004-2006) through the pipeline of the shared real run.
 * Expected values are counted here from the raw files with plain Java, line by line, independently
 * of Spark's CSV reader and of the classification code.
 */
class DeathRecordsOnRealSampleTest extends LakehouseTestBase {
  private static final List<Integer> YEARS = List.of(2004, 2005, 2006);

  /** Raw counts per year: X85-Y09 by file (registration) year and by year of death, PRESUNTO=2. */
  private record RawCounts(Map<Integer, Long> assaultByFile, Map<Integer, Long> assaultByDeathYear,
      Map<Integer, Long> presumedByFile, Map<Integer, Long> lines,
      Map<Integer, Long> assaultWithoutMunicipality) {}

  private static RawCounts raw() throws IOException {
    RawCounts counts = new RawCounts(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
        new TreeMap<>(), new TreeMap<>());
    for (int year : YEARS) {
      List<String> lines = Files.readAllLines(projectDir().resolve(
          "data-samples/mexico/inegi/death_records/deaths_" + year + ".csv"),
          StandardCharsets.ISO_8859_1);
      List<String> header = List.of(lines.get(0).strip().split(","));
      for (String line : lines.subList(1, lines.size())) {
        String[] fields = line.strip().split(",", -1);
        String cause = fields[header.indexOf("CAUSADEF")];
        boolean assault = cause.compareTo("X85") >= 0 && cause.compareTo("Y09~") <= 0
            || cause.startsWith("Y871");
        counts.lines().merge(year, 1L, Long::sum);
        if (assault) {
          counts.assaultByFile().merge(year, 1L, Long::sum);
          counts.assaultByDeathYear().merge(
              Integer.valueOf(fields[header.indexOf("ANIODEF")]), 1L, Long::sum);
          int municipality = Integer.parseInt(fields[header.indexOf("MUNOCU")]);
          if (municipality < 1 || municipality > 570) {
            counts.assaultWithoutMunicipality().merge(year, 1L, Long::sum);
          }
        }
        if (fields[header.indexOf("PRESUNTO")].equals("2")) {
          counts.presumedByFile().merge(year, 1L, Long::sum);
        }
      }
    }
    return counts;
  }

  @Test
  void homicidesByYearEqualTheAssaultCausesAndAgreeWithPresumedIntentEveryYear()
      throws IOException {
    RawCounts raw = raw();
    Lakehouse lakehouse = realRun().lakehouse();
    Dataset<Row> counts = lakehouse.read(DeathRecordCounts.TABLE)
        .where(col(DeathRecordCounts.PLACE).equalTo(DeathRecordCounts.OCCURRENCE));
    Map<Integer, Long> homicides = sums(counts.where(col(DeathRecordCounts.CAUSE)
        .equalTo(CauseOfDeath.HOMICIDE)), DeathRecordCounts.YEAR, DeathRecordCounts.DEATHS);
    Map<Integer, Long> presumed = sums(counts.where(col(DeathRecordCounts.PRESUMED_HOMICIDE)),
        DeathRecordCounts.YEAR, DeathRecordCounts.DEATHS);
    for (int year : YEARS) {
      Assertions.assertEquals(raw.assaultByFile().get(year), homicides.get(year),
          "X85-Y09 certificates registered in " + year);
      Assertions.assertEquals(raw.presumedByFile().get(year), homicides.get(year),
          "PRESUNTO = 2 certificates registered in " + year);
      Assertions.assertEquals(presumed.get(year), homicides.get(year), "presumed, " + year);
    }
    // Both places count every certificate once: residence is another view of the same deaths.
    Map<Integer, Long> all = sums(lakehouse.read(DeathRecordCounts.TABLE),
        DeathRecordCounts.YEAR, DeathRecordCounts.DEATHS);
    raw.lines().forEach((year, lines) -> Assertions.assertEquals(2 * lines, all.get(year)));
    Assertions.assertEquals(0L, lakehouse.read(DeathRecords.TABLE)
        .where(col(DeathRecords.MALFORMED_LINE).isNotNull()).count(),
        "no line of the real files is malformed");
  }

  @Test
  void certificateHomicidesFeedSilverHomicidesLabelledBySourceOnBothBases() throws IOException {
    RawCounts raw = raw();
    Dataset<Row> silver = realRun().lakehouse().read(HomicideCounts.TABLE)
        .where(col(HomicideCounts.SOURCE).equalTo(DeathRecordCounts.SOURCE));
    Assertions.assertEquals(raw.assaultByFile(), sums(silver.where(col(HomicideCounts.BASIS)
        .equalTo(HomicideCounts.REGISTRATION)), HomicideCounts.YEAR, "homicides"));
    Assertions.assertEquals(raw.assaultByDeathYear(), sums(silver.where(col(HomicideCounts.BASIS)
        .equalTo(HomicideCounts.OCCURRENCE)), HomicideCounts.YEAR, "homicides"));
    // Every death in the sample occurred in Sinaloa; the two assaults coded in municipality 0,
    // which no catalogue holds, stay in Sinaloa's unallocated unit and are reported.
    Assertions.assertEquals(List.of("25"), silver.select(HomicideCounts.STATE_CODE).distinct()
        .collectAsList().stream().map(r -> r.getString(0)).toList());
    Dataset<Row> unallocated = silver.where(col(HomicideCounts.UNIT_KIND)
        .notEqual(HomicideCounts.MUNICIPALITY));
    Assertions.assertEquals(List.of("25000"), unallocated.select(HomicideCounts.UNIT_CODE)
        .distinct().collectAsList().stream().map(r -> r.getString(0)).toList());
    Assertions.assertEquals(raw.assaultWithoutMunicipality(), sums(unallocated.where(
            col(HomicideCounts.BASIS).equalTo(HomicideCounts.REGISTRATION)), HomicideCounts.YEAR,
        "homicides"));
    Assertions.assertTrue(realRun().lakehouse().read(Quarantine.TABLE)
        .where(col(Quarantine.STAGE).equalTo(DeathRecordCounts.TABLE.qualifiedName())
            .and(col(Quarantine.REASON).startsWith("municipality code 25000"))).count() > 0);
  }

  /**
   * A run without certificate files in its years writes the counts' declared columns, without
   * planning the counting: they must be the columns, types and comments a run with files
   * writes, or the table's schema would change from one such run to the other.
   */
  @Test
  void aRunWithoutCertificateFilesWritesTheCountsColumnsOfARunWithThem() {
    Dataset<Row> withFiles = realRun().lakehouse().read(DeathRecordCounts.TABLE);
    Dataset<Row> withoutFiles = smallRun().lakehouse().read(DeathRecordCounts.TABLE);
    Assertions.assertFalse(withFiles.isEmpty());
    Assertions.assertTrue(withoutFiles.isEmpty(), "no certificate file in " + SMALL_YEARS);
    Assertions.assertEquals(withFiles.schema(), withoutFiles.schema());
  }

  @Test
  void causesAreClassifiedByTheCodingOfTheirYearAndUnknownCodesAreCountedAsUnknown() {
    StructType schema = new StructType().add("code", DataTypes.StringType)
        .add("year", DataTypes.IntegerType).add("expected", DataTypes.StringType);
    List<Row> cases = List.of(RowFactory.create("X95", 2005, "homicide"),
        RowFactory.create("Y09", 2005, "homicide"), RowFactory.create("Y871", 2010, "homicide"),
        RowFactory.create("X84", 2005, "other"), RowFactory.create("Y10", 2005, "other"),
        RowFactory.create("Y87", 2005, "unknown"), RowFactory.create("", 2005, "unknown"),
        RowFactory.create("X9", 2005, "unknown"), RowFactory.create("E965", 1995, "homicide"),
        RowFactory.create("E9600", 1992, "homicide"), RowFactory.create("E958", 1995, "other"),
        RowFactory.create("410", 1995, "other"), RowFactory.create("X95", 1995, "unknown"),
        RowFactory.create(null, 1995, "unknown"), RowFactory.create(" x95.1 ", 2005, "homicide"),
        RowFactory.create("X95X", 2005, "homicide"), RowFactory.create("Y0X", 2005, "unknown"),
        RowFactory.create("X85\t", 2005, "unknown"), RowFactory.create("X95", null, "homicide"),
        RowFactory.create("E9601", 1995, "homicide"), RowFactory.create("E8001", 1995, "other"),
        RowFactory.create("4101", 1995, "other"), RowFactory.create("41011", 1995, "unknown"),
        RowFactory.create("E96", 1995, "unknown"), RowFactory.create("X855", 2005, "homicide"),
        RowFactory.create("X84X", 2005, "other"), RowFactory.create("Y10", 1995, "unknown"));
    for (Row row : spark().createDataFrame(cases, schema).select(col("code"), col("year"),
        col("expected"), CauseOfDeath.classify(col("code"), col("year")).as("got"))
        .collectAsList()) {
      Assertions.assertEquals(row.getString(2), row.getString(3), row.toString());
    }
  }

  @Test
  void aLineWithTheWrongNumberOfFieldsIsLandedAsItCameAndQuarantinedInsteadOfCounted()
      throws IOException {
    Path inputs = Files.createTempDirectory("death-records");
    List<String> lines = Files.readAllLines(projectDir().resolve(
        "data-samples/mexico/inegi/death_records/deaths_2004.csv"), StandardCharsets.ISO_8859_1)
        .subList(0, 4);
    String tooShort = "X95,1970,1,2,1,A";
    String tooLong = lines.get(1).strip() + ",1,2";
    Files.write(inputs.resolve("deaths_2004.csv"), (String.join("\n", lines) + "\n" + tooShort
        + "\n" + tooLong + "\n").getBytes(StandardCharsets.ISO_8859_1));
    Dataset<Row> landed = DeathRecords.read(spark(), inputs.toString(), "ISO-8859-1",
        List.of(new BronzeIngest.RawFile("deaths_2004.csv", 2004)), "test",
        new Timestamp(0)).persist();
    Assertions.assertEquals(5L, landed.count(), "every line lands in bronze");
    Assertions.assertEquals(List.of(tooShort, tooLong), landed
        .where(col(DeathRecords.MALFORMED_LINE).isNotNull()).collectAsList().stream()
        .map(row -> row.<String>getAs(DeathRecords.MALFORMED_LINE)).sorted((a, b) ->
            Integer.compare(a.length(), b.length())).toList());

    DeathRecordCounts.Result counted = DeathRecordCounts.build(landed,
        realRun().lakehouse().read(Municipalities.TABLE));
    Assertions.assertEquals(2 * 3L, counted.counts().agg(sum(DeathRecordCounts.DEATHS)).first()
        .getLong(0), "only the three whole lines are counted, once per place");
    List<Row> refused = counted.refused().where(col(Quarantine.REASON).contains("comma-separated"))
        .orderBy(Quarantine.REASON).collectAsList();
    Assertions.assertEquals(2, refused.size(), refused.toString());
    Assertions.assertEquals(tooLong, refused.get(0).getAs(Quarantine.RECORD));
    Assertions.assertTrue(refused.get(0).<String>getAs(Quarantine.REASON)
        .startsWith("has 48 comma-separated fields, not the 46"), refused.get(0).toString());
    Row row = refused.get(1);
    Assertions.assertEquals("deaths_2004.csv", row.getAs("source_file"));
    Assertions.assertEquals(tooShort, row.getAs(Quarantine.RECORD));
    Assertions.assertTrue(row.<String>getAs(Quarantine.REASON)
        .startsWith("has 6 comma-separated fields"), row.toString());
    Assertions.assertEquals(DeathRecordCounts.TABLE.qualifiedName(), row.getAs(Quarantine.STAGE));
    Assertions.assertEquals("2004", row.getAs(Quarantine.PART));
    landed.unpersist();
  }

  /**
   * The lines are split as Spark's CSV reader would: a quoted field may hold a comma, an empty
   * field is null, the header and blank lines are no rows, CRLF ends a line, and a line whose
   * quotes do not balance is landed as malformed.
   */
  @Test
  void linesAreSplitByRfc4180WithEmptyFieldsNull() throws IOException {
    Path inputs = Files.createTempDirectory("death-records");
    List<String> lines = Files.readAllLines(projectDir().resolve(
        "data-samples/mexico/inegi/death_records/deaths_2004.csv"), StandardCharsets.ISO_8859_1);
    List<String> header = List.of(lines.get(0).strip().split(",", -1));
    String[] quoted = lines.get(1).strip().split(",", -1);
    quoted[header.indexOf(DeathRecords.CAUSE)] = "\"X95,0\"";
    String[] empty = lines.get(2).strip().split(",", -1);
    empty[header.indexOf("PESO")] = "";
    String unbalanced = "\"X95," + lines.get(3).strip();
    Files.write(inputs.resolve("deaths_2004.csv"), String.join("\r\n", lines.get(0).strip(),
        String.join(",", quoted), "   ", String.join(",", empty), "", unbalanced, "")
        .getBytes(StandardCharsets.ISO_8859_1));
    List<Row> landed = DeathRecords.read(spark(), inputs.toString(), "ISO-8859-1",
        List.of(new BronzeIngest.RawFile("deaths_2004.csv", 2004)), "test", new Timestamp(0))
        .collectAsList();
    Assertions.assertEquals(3, landed.size(), landed.toString());
    Assertions.assertEquals("X95,0", landed.get(0).getAs(DeathRecords.CAUSE));
    Assertions.assertNull(landed.get(0).getAs(DeathRecords.MALFORMED_LINE));
    Assertions.assertEquals(quoted[header.indexOf("PESO")], landed.get(0).getAs("PESO"));
    Assertions.assertNull(landed.get(1).getAs("PESO"), "an empty field is null");
    Assertions.assertNull(landed.get(1).getAs(DeathRecords.MALFORMED_LINE));
    Assertions.assertEquals(empty[header.indexOf(DeathRecords.SEX)],
        landed.get(1).getAs(DeathRecords.SEX));
    Assertions.assertEquals(unbalanced, landed.get(2).getAs(DeathRecords.MALFORMED_LINE));
  }

  /**
   * A file's columns are read by the names in its header: the 2005 file with ENTOCU and MUNOCU
   * swapped (header and values) counts the same; a header that is not INEGI's layout is refused.
   */
  @Test
  void columnsAreReadByTheirHeaderNamesAndAForeignHeaderIsRefused() throws IOException {
    Path inputs = Files.createTempDirectory("death-records");
    List<String> lines = Files.readAllLines(projectDir().resolve(
        "data-samples/mexico/inegi/death_records/deaths_2005.csv"), StandardCharsets.ISO_8859_1);
    List<String> header = List.of(lines.get(0).strip().split(",", -1));
    int state = header.indexOf(DeathRecords.OCCURRENCE_STATE);
    int municipality = header.indexOf(DeathRecords.OCCURRENCE_MUNICIPALITY);
    List<String> swapped = lines.stream().map(line -> {
      String[] fields = line.strip().split(",", -1);
      String first = fields[state];
      fields[state] = fields[municipality];
      fields[municipality] = first;
      return String.join(",", fields);
    }).toList();
    Files.write(inputs.resolve("deaths_2005.csv"), (String.join("\n", swapped) + "\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    List<BronzeIngest.RawFile> file = List.of(new BronzeIngest.RawFile("deaths_2005.csv", 2005));
    Dataset<Row> municipalities = realRun().lakehouse().read(Municipalities.TABLE);
    Dataset<Row> asPublished = DeathRecordCounts.build(realRun().lakehouse()
        .read(DeathRecords.TABLE).where(col(DeathRecords.YEAR).equalTo(2005)),
        municipalities).counts();
    Dataset<Row> reordered = DeathRecordCounts.build(DeathRecords.read(spark(),
        inputs.toString(), "ISO-8859-1", file, "test", new Timestamp(0)), municipalities)
        .counts();
    Assertions.assertEquals(contents(asPublished.drop(Lineage.SOURCE_FILE)).collectAsList(),
        contents(reordered.drop(Lineage.SOURCE_FILE)).collectAsList());

    Files.write(inputs.resolve("deaths_2005.csv"), (lines.get(0).replace("MUNOCU", "MUNOCC")
        + "\n" + lines.get(1) + "\n").getBytes(StandardCharsets.ISO_8859_1));
    InputException refused = Assertions.assertThrows(InputException.class,
        () -> DeathRecords.read(spark(), inputs.toString(), "ISO-8859-1", file, "test",
            new Timestamp(0)));
    Assertions.assertTrue(refused.getMessage().contains("deaths_2005.csv:1")
        && refused.getMessage().contains("missing [MUNOCU]")
        && refused.getMessage().contains("unknown [MUNOCC]"), refused.getMessage());
  }

  /**
   * A file cut into pieces of ~2 KB, so that nearly every piece ends inside a line, lands each of
   * its lines once, as the file read whole does; a gzipped copy (read whole, gzip cannot be cut)
   * lands the same. Latin-1 text beyond ASCII is decoded, in a field and in a malformed line.
   */
  @Test
  void aFileReadInPiecesOrGzippedLandsEachLineOnceWithItsLatinTextDecoded() throws IOException {
    Path inputs = Files.createTempDirectory("death-records");
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(projectDir().resolve(
        "data-samples/mexico/inegi/death_records/deaths_2004.csv"), StandardCharsets.ISO_8859_1));
    List<String> header = List.of(lines.get(0).strip().split(",", -1));
    String[] accented = lines.get(5).strip().split(",", -1);
    accented[header.indexOf("DESDOBLA")] = "\u00d1A";
    lines.set(5, String.join(",", accented));
    lines.add("X95,A\u00f1o");
    byte[] file = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    Files.write(inputs.resolve("deaths_2004.csv"), file);
    try (var gzip = new java.util.zip.GZIPOutputStream(Files.newOutputStream(
        inputs.resolve("deaths_2005.csv.gz")))) {
      gzip.write(file);
    }
    List<BronzeIngest.RawFile> plain = List.of(new BronzeIngest.RawFile("deaths_2004.csv", 2004));
    List<String> whole = landedLines(inputs, plain);
    Assertions.assertEquals(lines.size() - 1, whole.size(), "every line but the header");
    Assertions.assertTrue(whole.stream().anyMatch(row -> row.contains("\u00d1A")),
        "decoded field");
    Assertions.assertTrue(whole.stream().anyMatch(row -> row.contains("X95,A\u00f1o")),
        "decoded malformed line");

    String[] splitSettings = {"spark.sql.files.maxPartitionBytes",
        "spark.sql.files.openCostInBytes"};
    String[] before = java.util.Arrays.stream(splitSettings).map(spark().conf()::get)
        .toArray(String[]::new);
    try {
      java.util.Arrays.stream(splitSettings).forEach(key -> spark().conf().set(key, "2000"));
      Assertions.assertTrue(DeathRecords.read(spark(), inputs.toString(), "ISO-8859-1", plain,
          "test", new Timestamp(0)).rdd().getNumPartitions() > 50, "the file is read in pieces");
      List<String> inPieces = landedLines(inputs, plain);
      Assertions.assertEquals(whole.size(), inPieces.size(), "lines landed");
      Assertions.assertEquals(whole, inPieces);
    } finally {
      for (int i = 0; i < splitSettings.length; i++) {
        spark().conf().set(splitSettings[i], before[i]);
      }
    }
    Assertions.assertEquals(whole.stream().map(row -> row.replace("2004", "2005")).toList(),
        landedLines(inputs, List.of(new BronzeIngest.RawFile("deaths_2005.csv.gz", 2005)))
            .stream().map(row -> row.replace("2004", "2005").replace(".csv.gz", ".csv"))
            .toList());
  }

  /** The rows a read of {@code files} lands, as text, sorted. */
  private List<String> landedLines(Path inputs, List<BronzeIngest.RawFile> files) {
    return DeathRecords.read(spark(), inputs.toString(), "ISO-8859-1", files, "test",
        new Timestamp(0)).collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /**
   * Each file is opened by its path through Hadoop's file system: a folder whose name holds a
   * space, a percent sign or a hash is still read, each file with its year.
   */
  @Test
  void filesInAFolderWhoseNameNeedsEscapingAreReadWithTheirYears() throws IOException {
    Path inputs = Files.createTempDirectory("death records %20 #1");
    Path sample = projectDir().resolve("data-samples/mexico/inegi/death_records/deaths_2004.csv");
    Files.copy(sample, inputs.resolve("deaths_2004.csv"));
    Files.copy(sample, inputs.resolve("deaths 2005.csv"));
    List<Row> years = DeathRecords.read(spark(), inputs.toString(), "ISO-8859-1", List.of(
            new BronzeIngest.RawFile("deaths_2004.csv", 2004),
            new BronzeIngest.RawFile("deaths 2005.csv", 2005)), "test", new Timestamp(0))
        .groupBy(DeathRecords.YEAR, Lineage.SOURCE_FILE).count().orderBy(DeathRecords.YEAR)
        .collectAsList();
    long lines = Files.readAllLines(sample, StandardCharsets.ISO_8859_1).stream()
        .filter(line -> !line.isBlank()).count() - 1;
    Assertions.assertEquals(List.of(RowFactory.create(2004, "deaths_2004.csv", lines),
        RowFactory.create(2005, "deaths 2005.csv", lines)), years);
  }

  /** A certificate whose year of registration is not its file's is quarantined, not counted. */
  @Test
  void aCertificateOfAnotherRegistrationYearIsQuarantinedNotCounted() throws IOException {
    Path inputs = Files.createTempDirectory("death-records");
    // The real 2004 file put where the 2005 one belongs: every ANIOREG says 2004.
    Files.copy(projectDir().resolve("data-samples/mexico/inegi/death_records/deaths_2004.csv"),
        inputs.resolve("deaths_2005.csv"));
    DeathRecordCounts.Result counted = DeathRecordCounts.build(DeathRecords.read(spark(),
        inputs.toString(), "ISO-8859-1", List.of(new BronzeIngest.RawFile("deaths_2005.csv",
            2005)), "test", new Timestamp(0)), realRun().lakehouse().read(Municipalities.TABLE));
    Assertions.assertTrue(counted.counts().isEmpty(), "nothing counted for 2005");
    List<Row> refused = counted.refused().collectAsList();
    Assertions.assertEquals(1, refused.size(), refused.toString());
    Assertions.assertEquals("ANIOREG=2004 certificates=" + raw().lines().get(2004),
        refused.get(0).getAs(Quarantine.RECORD));
    Assertions.assertTrue(refused.get(0).<String>getAs(Quarantine.REASON).startsWith(
        "year of registration (ANIOREG) '2004' is not the year of the file, 2005"),
        refused.get(0).toString());
  }

  /**
   * INEGI republishes years: a corrected file with the same size and modification time as the
   * one landed (one certificate's sex 1 → 2) is noticed and landed again.
   */
  @Test
  void aCorrectedFileOfTheSameSizeAndTimeIsLandedAgain() throws IOException {
    Path inputs = Files.createTempDirectory("death-records");
    Path file = inputs.resolve("deaths_2005.csv");
    byte[] published = Files.readAllBytes(projectDir().resolve(
        "data-samples/mexico/inegi/death_records/deaths_2005.csv"));
    Files.write(file, published);
    java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(file);
    Lakehouse lakehouse = new Lakehouse(spark(), Files.createTempDirectory("lakehouse")
        .toString());
    LakehouseConfig.SourceFile source = new LakehouseConfig.SourceFile("deaths_{year}.csv",
        "ISO-8859-1", null);
    List<BronzeIngest.RawFile> files = List.of(new BronzeIngest.RawFile("deaths_2005.csv",
        2005));
    StageRunner first = new StageRunner(lakehouse, new QualityGate("test"), System.out);
    first.run(new MicrodataStages(lakehouse, inputs.toString(), source, files)
        .bronze("first", new Timestamp(0)));
    long males = lakehouse.read(DeathRecords.TABLE).where(col(DeathRecords.SEX).equalTo("1"))
        .count();

    String text = new String(published, StandardCharsets.ISO_8859_1);
    int sex = List.of(text.substring(0, text.indexOf('\n')).strip().split(","))
        .indexOf(DeathRecords.SEX);
    String[] lines = text.split("\n", -1);
    int corrected = 1;
    while (!lines[corrected].split(",", -1)[sex].equals("1")) {
      corrected++;
    }
    String[] fields = lines[corrected].split(",", -1);
    fields[sex] = "2";
    lines[corrected] = String.join(",", fields);
    Files.write(file, String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1));
    Files.setLastModifiedTime(file, time);
    Assertions.assertEquals(published.length, Files.size(file), "same size");

    StageRunner second = new StageRunner(lakehouse, new QualityGate("test"), System.out);
    Assertions.assertEquals(java.util.Set.of("2005"), second.run(new MicrodataStages(lakehouse,
        inputs.toString(), source, files).bronze("second", new Timestamp(0))));
    Assertions.assertEquals(males - 1, lakehouse.read(DeathRecords.TABLE)
        .where(col(DeathRecords.SEX).equalTo("1")).count());
  }

  private static Map<Integer, Long> sums(Dataset<Row> rows, String year, String measure) {
    Map<Integer, Long> sums = new TreeMap<>();
    rows.groupBy(year).agg(sum(measure)).collectAsList()
        .forEach(r -> sums.put(r.getInt(0), r.getLong(1)));
    return sums;
  }
}
