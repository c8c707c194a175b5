package org.violence.lakehouse.synthetic;

import static org.apache.spark.sql.functions.col;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.violence.lakehouse.bronze.InegiCubeSource;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.Lakehouse;
import org.violence.lakehouse.microdata.CauseOfDeath;
import org.violence.lakehouse.microdata.DeathRecordCounts;
import org.violence.lakehouse.microdata.DeathRecords;
import org.violence.lakehouse.silver.HomicideCounts;
import org.violence.lakehouse.silver.Municipalities;
import org.violence.lakehouse.silver.Population;

/**
 * Synthetic national death-certificate files, for scale tests only: one CSV per year of
 * registration in INEGI's column layout ({@link DeathRecords#COLUMNS}), Latin-1, as the real
 * yearly files are.
 *
 * <p><b>Calibration.</b> Homicides are not drawn: for every unit and year of registration, the
 * file holds exactly as many homicide certificates, occurring in that unit, as INEGI's aggregate
 * export counts there ({@code silver.homicides}, source inegi_cube, basis registration). So the
 * homicides the pipeline counts from the generated files by municipality of occurrence and year of
 * registration equal INEGI's real counts, municipality by municipality. Deaths INEGI counts in a
 * state's subtotal but in no municipality row (unit SS000) are written with municipality 999
 * (not specified), as a certificate cannot name a unit that is not a place.
 *
 * <p><b>Other deaths.</b> Each municipality gets, per year, its CONAPO population
 * ({@code silver.population}) times one crude rate of non-homicide deaths, rounded at random;
 * the rate is chosen so that the files hold the requested number of rows
 * ({@link #ratePerThousandFor}). The default size, 15 million rows over 1990-2015, needs about
 * 5.5 per 1,000, the order of Mexico's crude death rate in those years (4-6 per 1,000). Asking for
 * more rows raises the rate: the volume then no longer resembles Mexico's, only the layout and
 * the homicides do.
 *
 * <p><b>Every other field</b> is copied from a real certificate of the Sinaloa sample
 * ({@code bronze.death_records}) drawn at random: a homicide template for a homicide, any other
 * template otherwise. Sex, age, schooling, dates within the year and the cause of death therefore
 * follow the real sample's distributions (which are injury deaths: the "other" deaths look like
 * accidents and suicides, not like all-cause mortality). The year of death is the year of
 * registration, or the year before it with the sample's share of late registrations. For years
 * INEGI coded in ICD-9 (before {@value CauseOfDeath#FIRST_ICD10_YEAR}) the template's ICD-10 cause
 * is translated block by block to ICD-9 ({@link #icd9}); assaults always become E960-E969.
 *
 * <p>Deterministic: the same seed, years and size give byte-identical files, and each year has
 * its own random stream, so a year can be regenerated or added alone. Streaming: rows are written
 * as they are drawn; only the calibration counts, populations and the ~4,700 templates are held.
 */
public final class DeathRecordGenerator {
  private final Map<Integer, List<Unit>> homicides;
  private final Map<Integer, List<Unit>> population;
  private final List<String[]> homicideTemplates = new ArrayList<>();
  private final List<String[]> otherTemplates = new ArrayList<>();
  private final double lateRegistrationShare;
  private final int causeIndex;
  private final List<String> columns = List.copyOf(DeathRecords.COLUMNS.keySet());

  /** A unit with a count: homicides of a unit, or the population of a municipality. */
  private record Unit(String code, boolean municipality, long count) {}

  /** What was written: rows per year, of which homicides. */
  public record Written(Map<Integer, Long> rows, Map<Integer, Long> homicides) {
    public long totalRows() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Reads the calibration counts, populations and templates from a built lakehouse. */
  public DeathRecordGenerator(Lakehouse lakehouse) {
    homicides = new TreeMap<>();
    for (Row row : HomicideCounts.ofCubes(lakehouse.read(HomicideCounts.TABLE))
        .where(col(HomicideCounts.BASIS).equalTo(HomicideCounts.REGISTRATION))
        .select(HomicideCounts.YEAR, HomicideCounts.UNIT_CODE, HomicideCounts.UNIT_KIND,
            "homicides")
        .orderBy(HomicideCounts.YEAR, HomicideCounts.UNIT_CODE).collectAsList()) {
      homicides.computeIfAbsent(row.getInt(0), y -> new ArrayList<>()).add(new Unit(
          row.getString(1), row.getString(2).equals(HomicideCounts.MUNICIPALITY), row.getLong(3)));
    }
    population = new TreeMap<>();
    for (Row row : lakehouse.read(Population.TABLE).select(Population.YEAR,
            Municipalities.STABLE_CODE, Population.POPULATION)
        .orderBy(Population.YEAR, Municipalities.STABLE_CODE).collectAsList()) {
      population.computeIfAbsent(row.getInt(0), y -> new ArrayList<>()).add(new Unit(
          row.getString(1), true, ((Number) row.get(2)).longValue()));
    }
    causeIndex = columns.indexOf(DeathRecords.CAUSE);
    int late = 0;
    for (Row row : lakehouse.read(DeathRecords.TABLE)
        .orderBy(org.violence.lakehouse.io.Lineage.SOURCE_FILE, DeathRecords.CAUSE,
            DeathRecords.DEATH_YEAR, "ANIONAC", "MESDEF", "DIADEF", "HORADEF", "MINDEF")
        .select(columns.stream().map(org.apache.spark.sql.functions::col)
            .toArray(org.apache.spark.sql.Column[]::new)).collectAsList()) {
      String[] fields = new String[columns.size()];
      for (int i = 0; i < fields.length; i++) {
        fields[i] = row.getString(i).strip();
      }
      boolean assault = fields[columns.indexOf(DeathRecords.PRESUMED_INTENT)].equals("2");
      (assault ? homicideTemplates : otherTemplates).add(fields);
      if (!fields[columns.indexOf(DeathRecords.DEATH_YEAR)]
          .equals(fields[columns.indexOf(DeathRecords.REGISTRATION_YEAR)])) {
        late++;
      }
    }
    if (homicideTemplates.isEmpty() || otherTemplates.isEmpty()) {
      throw new IllegalStateException("bronze.death_records of " + lakehouse.root() + " holds no "
          + "real certificates to draw from: build it with `run` over years that include the "
          + "death-record sample (2004-2006)");
    }
    lateRegistrationShare = (double) late / (homicideTemplates.size() + otherTemplates.size());
  }

  /** Homicides INEGI counts by registration in these years, i.e. homicide rows to be written. */
  public long homicidesIn(LakehouseConfig.YearRange years) {
    return years.overlap(years).mapToLong(year -> homicides.getOrDefault(year, List.of()).stream()
        .mapToLong(Unit::count).sum()).sum();
  }

  /** The non-homicide rate per 1,000 inhabitants that makes about {@code rows} rows in all. */
  public double ratePerThousandFor(long rows, LakehouseConfig.YearRange years) {
    long personYears = years.overlap(years).mapToLong(year -> population
        .getOrDefault(year, List.of()).stream().mapToLong(Unit::count).sum()).sum();
    return Math.max(0, rows - homicidesIn(years)) * 1000.0 / personYears;
  }

  /** Writes {@code deaths_YYYY.csv} for each year into {@code folder}. */
  public Written write(Path folder, LakehouseConfig.YearRange years, double ratePerThousand,
      long seed) {
    Map<Integer, Long> rows = new TreeMap<>();
    Map<Integer, Long> homicideRows = new TreeMap<>();
    try {
      Files.createDirectories(folder);
      for (int year : years.overlap(years).toArray()) {
        if (!homicides.containsKey(year) || !population.containsKey(year)) {
          throw new IllegalArgumentException("no INEGI homicide counts or CONAPO population for "
              + year + " in the lakehouse: the generator calibrates to them");
        }
        long[] counts = writeYear(folder.resolve(fileName(year)), year, ratePerThousand,
            new SplittableRandom(seed * 1_000_003L + year));
        rows.put(year, counts[0]);
        homicideRows.put(year, counts[1]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Written(rows, homicideRows);
  }

  /**
   * The calibration, checkable at any size: for every municipality and year of registration in
   * {@code years} that INEGI or the generated files have, INEGI's homicides ({@code inegi},
   * from {@code silver.homicides}) beside those counted from the generated certificates by
   * municipality of occurrence ({@code generated}, from {@code silver.death_record_counts}). It
   * holds when the two are equal on every row.
   */
  public static Dataset<Row> calibration(Dataset<Row> deathRecordCounts,
      Dataset<Row> silverHomicides, LakehouseConfig.YearRange years) {
    Column municipalities = col(HomicideCounts.BASIS).equalTo(HomicideCounts.REGISTRATION)
        .and(col(HomicideCounts.UNIT_KIND).equalTo(HomicideCounts.MUNICIPALITY))
        .and(col(HomicideCounts.YEAR).between(years.first(), years.last()));
    Dataset<Row> generated = DeathRecordCounts.homicides(deathRecordCounts).where(municipalities)
        .select(col(HomicideCounts.UNIT_CODE), col(HomicideCounts.YEAR),
            col(InegiCubeSource.HOMICIDES).as("generated"));
    Dataset<Row> inegi = HomicideCounts.ofCubes(silverHomicides).where(municipalities)
        .select(col(HomicideCounts.UNIT_CODE), col(HomicideCounts.YEAR),
            col(InegiCubeSource.HOMICIDES).as("inegi"));
    return inegi.join(generated, new String[] {HomicideCounts.UNIT_CODE, HomicideCounts.YEAR},
        "full_outer");
  }

  public static String fileName(int year) {
    return "deaths_" + year + ".csv";
  }

  private long[] writeYear(Path file, int year, double ratePerThousand, SplittableRandom random)
      throws IOException {
    long written = 0;
    long homicideRows = 0;
    try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(
        Files.newOutputStream(file), StandardCharsets.ISO_8859_1), 1 << 20)) {
      out.write(String.join(",", columns));
      out.write("\r\n");
      for (Unit unit : homicides.get(year)) {
        for (long i = 0; i < unit.count(); i++) {
          write(out, homicideTemplates, unit.code(), unit.municipality(), year, random);
        }
        written += unit.count();
        homicideRows += unit.count();
      }
      for (Unit municipality : population.get(year)) {
        double expected = municipality.count() * ratePerThousand / 1000.0;
        long deaths = (long) expected + (random.nextDouble() < expected % 1 ? 1 : 0);
        for (long i = 0; i < deaths; i++) {
          write(out, otherTemplates, municipality.code(), true, year, random);
        }
        written += deaths;
      }
    }
    return new long[] {written, homicideRows};
  }

  private final StringBuilder line = new StringBuilder(512);

  private void write(BufferedWriter out, List<String[]> templates, String unit,
      boolean municipality, int year, SplittableRandom random) throws IOException {
    String[] template = templates.get(random.nextInt(templates.size()));
    String state = Integer.toString(Integer.parseInt(unit.substring(0, 2)));
    String place = municipality ? Integer.toString(Integer.parseInt(unit.substring(2))) : "999";
    String deathYear = Integer.toString(random.nextDouble() < lateRegistrationShare ? year - 1
        : year);
    line.setLength(0);
    for (int i = 0; i < template.length; i++) {
      if (i > 0) {
        line.append(',');
      }
      String name = columns.get(i);
      String value = switch (name) {
        case DeathRecords.OCCURRENCE_STATE, DeathRecords.RESIDENCE_STATE, "ENTREGF" -> state;
        case DeathRecords.OCCURRENCE_MUNICIPALITY, DeathRecords.RESIDENCE_MUNICIPALITY,
            "MUNREGF" -> place;
        case DeathRecords.REGISTRATION_YEAR, "ANIOCERT" -> Integer.toString(year);
        case DeathRecords.DEATH_YEAR -> deathYear;
        default -> i == causeIndex && year < CauseOfDeath.FIRST_ICD10_YEAR
            ? icd9(template[i]) : template[i];
      };
      line.append(value);
    }
    line.append("\r\n");
    out.append(line);
  }

  /**
   * ICD-10 external causes to ICD-9 E codes, block by block (approximate within a block; exact
   * for what the pipeline classifies: every assault X85-Y09 becomes an E960-E969 homicide).
   */
  static String icd9(String icd10) {
    if (icd10.length() < 3 || !Character.isLetter(icd10.charAt(0))) {
      return "799";
    }
    if (icd10.startsWith("Y871")) {
      return "E969";
    }
    char chapter = icd10.charAt(0);
    int block = Integer.parseInt(icd10.substring(1, 3));
    return switch (chapter) {
      case 'V' -> "E819";
      case 'W' -> block <= 19 ? "E888" : block >= 65 && block <= 74 ? "E910" : "E928";
      case 'X' -> block <= 9 ? "E899" : block >= 40 && block <= 49 ? "E858"
          : block <= 59 ? "E928" : block == 70 ? "E953" : block >= 72 && block <= 74 ? "E955"
          : block <= 84 ? "E958" : block == 91 ? "E963" : block >= 93 && block <= 95 ? "E965"
          : block == 99 ? "E966" : "E968";
      case 'Y' -> block == 5 ? "E960" : block == 7 ? "E967" : block <= 9 ? "E968"
          : block <= 34 ? "E988" : block <= 36 ? "E970" : "E929";
      default -> "799";
    };
  }
}
