package org.violence.lakehouse.bronze;

import static org.violence.lakehouse.io.Expectation.holds;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.sources.InegiExport;
import org.violence.lakehouse.sources.ParsedFile;

/**
 * The two INEGI homicide cubes, one file per year: by year of registration (counts by month of
 * registration) and by year of occurrence (counts by age group, sex and year of registration).
 * Both keep national, state and municipality rows as landed, labelled by {@code area_kind}.
 */
public final class InegiCubeSource implements BronzeSource {
  public static final String AREA_KIND = "area_kind";
  public static final String STATE_CODE = "state_code";
  public static final String MUNICIPALITY_CODE = "municipality_code";
  public static final String AREA_NAME = "area_name";
  public static final String REGISTRATION_YEAR = "registration_year";
  public static final String OCCURRENCE_YEAR = "occurrence_year";
  public static final String AGE_GROUP = "age_group";
  public static final String SEX = "sex";
  public static final String HOMICIDES = "homicides";
  public static final String HOMICIDES_BY_MONTH = "homicides_by_month";

  private static final Map<String, String> AREA_COMMENTS = Map.of(
      AREA_KIND, "NATIONAL_TOTAL, STATE_SUBTOTAL or MUNICIPALITY, as the row appears in the export",
      STATE_CODE, "INEGI state code, 2 digits (33-35: deaths abroad); null on the national row",
      MUNICIPALITY_CODE, "INEGI municipality code, 5 digits (SS999: municipality not specified)",
      AREA_NAME, "Area name as printed by INEGI",
      HOMICIDES, "Homicides in the row");

  public static final InegiCubeSource REGISTRATION = new InegiCubeSource(
      "homicides_registration",
      Table.in(Table.Layer.BRONZE, "inegi_homicides_registration")
          .describedAs("INEGI homicides by municipality of occurrence and month of registration, "
              + "one export per year of registration (1990-2015), as landed")
          .columns(AREA_COMMENTS).columns(Lineage.COMMENTS)
          .column(REGISTRATION_YEAR, "Year in which the deaths were registered")
          .column(HOMICIDES_BY_MONTH, "Homicides by month of registration, January first")
          .expect(holds("homicide counts are >= 0", HOMICIDES + " >= 0"))
          .build(),
      "registro",
      new StructType()
          .add(REGISTRATION_YEAR, DataTypes.IntegerType, false)
          .add(AREA_KIND, DataTypes.StringType, false)
          .add(STATE_CODE, DataTypes.StringType, true)
          .add(MUNICIPALITY_CODE, DataTypes.StringType, true)
          .add(AREA_NAME, DataTypes.StringType, false)
          .add(HOMICIDES, DataTypes.LongType, false)
          .add(HOMICIDES_BY_MONTH, DataTypes.createArrayType(DataTypes.LongType, false), false),
      new RegistrationRows());

  public static final InegiCubeSource OCCURRENCE = new InegiCubeSource(
      "homicides_occurrence",
      Table.in(Table.Layer.BRONZE, "inegi_homicides_occurrence")
          .describedAs("INEGI homicides by municipality of occurrence, age group, sex and year of "
              + "registration, one export per year of occurrence (1994-2010), as landed; empty "
              + "cells (zero) are not stored")
          .columns(AREA_COMMENTS).columns(Lineage.COMMENTS)
          .column(OCCURRENCE_YEAR, "Year in which the deaths occurred")
          .column(AGE_GROUP, "Age group as printed by INEGI ('Total' for all ages)")
          .column(SEX, "Hombre, Mujer, No especificado, or Total")
          .column(REGISTRATION_YEAR, "Year in which the deaths were registered")
          .expect(holds("homicide counts are >= 0", HOMICIDES + " >= 0"))
          .build(),
      "ocurrencia",
      new StructType()
          .add(OCCURRENCE_YEAR, DataTypes.IntegerType, false)
          .add(AREA_KIND, DataTypes.StringType, false)
          .add(STATE_CODE, DataTypes.StringType, true)
          .add(MUNICIPALITY_CODE, DataTypes.StringType, true)
          .add(AREA_NAME, DataTypes.StringType, false)
          .add(AGE_GROUP, DataTypes.StringType, false)
          .add(SEX, DataTypes.StringType, false)
          .add(REGISTRATION_YEAR, DataTypes.IntegerType, false)
          .add(HOMICIDES, DataTypes.LongType, false),
      new OccurrenceRows());

  private final String configKey;
  private final Table table;
  private final String yearKind;
  private final StructType schema;
  private final InegiExport.RowReader<Parsed> reader;

  private InegiCubeSource(String configKey, Table table, String yearKind, StructType schema,
      InegiExport.RowReader<Parsed> reader) {
    this.configKey = configKey;
    this.table = table;
    this.yearKind = yearKind;
    this.schema = schema;
    this.reader = reader;
  }

  @Override
  public String configKey() {
    return configKey;
  }

  @Override
  public Table table() {
    return table;
  }

  @Override
  public StructType schema() {
    return schema;
  }

  /** A parsed row with its area, so that totals can be checked before it becomes a Spark row. */
  record Parsed(InegiExport.Area area, Object[] values, Map<String, Long> reconciled) {}

  @Override
  public ParsedFile<Row> parse(String file, List<String> lines, Integer year) {
    ParsedFile<Parsed> parsed = InegiExport.parse(file, lines, year, yearKind, reader,
        Parsed::area);
    List<Row> rows = parsed.records().stream().map(p -> RowFactory.create(p.values())).toList();
    return new ParsedFile<>(file, rows, parsed.rejected());
  }

  /** Registration cube: Total then twelve months. */
  private static final class RegistrationRows implements InegiExport.RowReader<Parsed> {
    @Override
    public List<Parsed> read(InegiExport.Header header, InegiExport.Area area,
        List<String> cells, long lineNumber) {
      if (cells.size() < 13) {
        throw new IllegalArgumentException("has " + (cells.size() + 2)
            + " cells; a registration row has the area, the Total and 12 months (truncated?)");
      }
      long total = InegiExport.count(cells.get(0), "Total");
      Long[] months = new Long[12];
      for (int m = 0; m < 12; m++) {
        months[m] = InegiExport.count(cells.get(m + 1), header.columns().get(m + 3));
      }
      Object[] values = {lineNumber, header.year(), area.kind().name(), area.stateCode(),
          area.municipalityCode(), area.name(), total, List.of(months)};
      return List.of(new Parsed(area, values, Map.of("", total)));
    }

    @Override
    public Map<String, Long> reconciledCounts(Parsed record) {
      return record.reconciled();
    }
  }

  /** Occurrence cube: age group and sex, then one column per year of registration. */
  private static final class OccurrenceRows implements InegiExport.RowReader<Parsed> {
    @Override
    public List<Parsed> read(InegiExport.Header header, InegiExport.Area area,
        List<String> cells, long lineNumber) {
      List<String> columns = header.columns();
      var out = new java.util.ArrayList<Parsed>();
      // After the area: age group, sex, then one cell per header column of registration year.
      String ageGroup = cells.get(0).trim();
      String sex = cells.get(1).trim();
      boolean allAgesBothSexes = ageGroup.equals("Total") && sex.equals("Total");
      int yearColumns = 0;
      for (int c = 2; c < cells.size(); c++) {
        var registrationYear = InegiExport.yearColumn(columns.size() > c + 2
            ? columns.get(c + 2) : "");
        if (registrationYear.isEmpty()) {
          if (!cells.get(c).isBlank()) {
            throw new IllegalArgumentException("value '" + cells.get(c)
                + "' under a column without a year of registration");
          }
          continue;
        }
        yearColumns++;
        long homicides = InegiExport.count(cells.get(c), columns.get(c + 2));
        if (homicides > 0) {
          Object[] values = {lineNumber, header.year(), area.kind().name(), area.stateCode(),
              area.municipalityCode(), area.name(), ageGroup, sex, registrationYear.get(),
              homicides};
          out.add(new Parsed(area, values,
              allAgesBothSexes ? Map.of(registrationYear.get().toString(), homicides) : Map.of()));
        }
      }
      if (yearColumns == 0) {
        throw new IllegalArgumentException("no count under a year-of-registration column "
            + "(truncated line?)");
      }
      return out;
    }

    @Override
    public Map<String, Long> reconciledCounts(Parsed record) {
      return record.reconciled();
    }
  }
}
