package org.violence.lakehouse.bronze;

import static org.violence.lakehouse.sources.DelimitedFile.field;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.sources.DelimitedFile;
import org.violence.lakehouse.sources.DelimitedFile.FieldType;
import org.violence.lakehouse.sources.ParsedFile;

/**
 * The delimited sources (CONAPO, CONEVAL, geography catalogues), each declared once: the headers
 * it reads, their names and types in bronze, and what they mean. Undeclared columns land as text
 * in {@code extra_columns}.
 */
public final class DelimitedSources implements BronzeSource {
  public static final String EXTRA_COLUMNS = "extra_columns";
  public static final String MUNICIPALITY_CODE = "municipality_code";
  public static final String YEAR = "year";
  public static final String POPULATION = "population";

  /** Tokens agencies use for "not available". */
  private static final Set<String> NOT_AVAILABLE = Set.of("NA", "ND", "N/D", "-", "n.d.");

  public static final DelimitedSources POPULATION_ESTIMATES = new DelimitedSources(
      "population", "conapo_population",
      "CONAPO mid-year population estimates (1990-2009, 2007 geography; the file leaves 2007-2009 "
          + "empty) and projections (2010-2030, 2015 geography) by municipality and sex",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("Code", MUNICIPALITY_CODE, FieldType.MUNICIPALITY_CODE),
          field("Population", POPULATION, FieldType.AMOUNT),
          field("Sex", "sex", FieldType.TEXT),
          field("Year", YEAR, FieldType.INTEGER))
          .keyedBy("Code", "Sex", "Year"),
      Map.of(MUNICIPALITY_CODE, "INEGI municipality code, 5 digits",
          POPULATION, "Mid-year population (persons); null where CONAPO gives none",
          "sex", "Total, Males or Females", YEAR, "Year of the estimate"));

  public static final DelimitedSources CONEVAL_INDICATORS = new DelimitedSources(
      "coneval_indicators", "coneval_municipal_indicators",
      "CONEVAL municipal indicators: Gini 1990/2000/2010, multidimensional poverty 2010 and more",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("clave_mun", MUNICIPALITY_CODE, FieldType.MUNICIPALITY_CODE),
          field("nom_mun", "municipality_name", FieldType.TEXT),
          field("gini_90", "gini_1990", FieldType.DECIMAL),
          field("gini_00", "gini_2000", FieldType.DECIMAL),
          field("gini_10", "gini_2010", FieldType.DECIMAL),
          field("pobreza", "poverty_2010", FieldType.DECIMAL))
          .keyedBy("clave_mun"),
      Map.of(MUNICIPALITY_CODE, "INEGI municipality code, 5 digits",
          "municipality_name", "Municipality name as printed by CONEVAL",
          "gini_1990", "Gini coefficient of household income, 1990 (0-1)",
          "gini_2000", "Gini coefficient of household income, 2000 (0-1)",
          "gini_2010", "Gini coefficient of household income, 2010 (0-1)",
          "poverty_2010", "Share of the population in multidimensional poverty, 2010 (0-1)"));

  public static final DelimitedSources MARGINALISATION = new DelimitedSources(
      "marginalisation", "conapo_marginalisation_1990_2015",
      "CONAPO municipal marginalisation index and indicators, 1990-2015 (one row per "
          + "municipality and year)",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("CVE_MUN", MUNICIPALITY_CODE, FieldType.MUNICIPALITY_CODE),
          field("MUN", "municipality_name", FieldType.TEXT),
          field("POB_TOT", POPULATION, FieldType.AMOUNT),
          field("PL<5000", "pct_in_localities_under_5000", FieldType.DECIMAL),
          field("IM", "marginalisation_index", FieldType.DECIMAL),
          field("A\u00d1O", YEAR, FieldType.INTEGER))
          .keyedBy("CVE_MUN", "A\u00d1O"),
      Map.of(MUNICIPALITY_CODE, "INEGI municipality code, 5 digits",
          "municipality_name", "Municipality name (trimmed)",
          POPULATION, "Census population of that year",
          "pct_in_localities_under_5000", "% of residents in localities under 5,000 people",
          "marginalisation_index", "CONAPO marginalisation index (standardised; higher = more "
              + "marginalised)",
          YEAR, "Census or count year"));

  public static final DelimitedSources MARGINALISATION_2020 = new DelimitedSources(
      "marginalisation_2020", "conapo_marginalisation_2020",
      "CONAPO municipal marginalisation index 2020 (new methodology: not on the 1990-2015 scale)",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("CVE_MUN", MUNICIPALITY_CODE, FieldType.MUNICIPALITY_CODE),
          field("NOM_MUN", "municipality_name", FieldType.TEXT),
          field("POB_TOT", POPULATION, FieldType.AMOUNT),
          field("PL.5000", "pct_in_localities_under_5000", FieldType.DECIMAL),
          field("IM_2020", "marginalisation_index_2020", FieldType.DECIMAL))
          .keyedBy("CVE_MUN"),
      Map.of(MUNICIPALITY_CODE, "INEGI municipality code, 5 digits",
          "municipality_name", "Municipality name",
          POPULATION, "Census population 2020",
          "pct_in_localities_under_5000", "% of residents in localities under 5,000 people",
          "marginalisation_index_2020", "CONAPO 2020 marginalisation index (0-100 scale, higher "
              + "= less marginalised; not comparable with the 1990-2015 index)"));

  public static final DelimitedSources CENSUS_COUNTS = new DelimitedSources(
      "census_counts", "census_municipal_population",
      "INEGI census and count populations by municipality, 1990-2010 (empty where the "
          + "municipality did not exist yet)",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("region", MUNICIPALITY_CODE, FieldType.MUNICIPALITY_CODE),
          field("municipio_name", "municipality_name", FieldType.TEXT),
          field("year", YEAR, FieldType.INTEGER),
          field("sex", "sex", FieldType.TEXT),
          field("pop", POPULATION, FieldType.AMOUNT))
          .keyedBy("region", "year", "sex"),
      Map.of(MUNICIPALITY_CODE, "INEGI municipality code, 5 digits",
          "municipality_name", "Municipality name", YEAR, "Census or count year",
          "sex", "Total, Male or Female", POPULATION, "Enumerated population"));

  public static final DelimitedSources CATALOGUE_2015 = catalogue("catalogue_2015", 2015);
  public static final DelimitedSources CATALOGUE_2020 = catalogue("catalogue_2020", 2020);

  public static final DelimitedSources MUNICIPALITY_HEADS = new DelimitedSources(
      "municipality_heads", "municipality_seats_2007",
      "Municipal seats (2007 geography) with coordinates and distances to the US border and to "
          + "the nearest US port of entry",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("id", MUNICIPALITY_CODE, FieldType.MUNICIPALITY_CODE),
          field("MunName", "municipality_name", FieldType.TEXT),
          field("Long", "seat_longitude", FieldType.DECIMAL),
          field("Lat", "seat_latitude", FieldType.DECIMAL),
          field("DistUSBorder", "km_to_us_border", FieldType.DECIMAL),
          field("DistUSPort", "km_to_us_port", FieldType.DECIMAL))
          .keyedBy("id"),
      Map.of(MUNICIPALITY_CODE, "INEGI municipality code, 5 digits",
          "municipality_name", "Municipality name",
          "seat_longitude", "Longitude of the municipal seat (degrees)",
          "seat_latitude", "Latitude of the municipal seat (degrees)",
          "km_to_us_border", "Distance from the seat to the US border (km)",
          "km_to_us_port", "Distance from the seat to the nearest US port of entry (km)"));

  public static final DelimitedSources METRO_ZONES = new DelimitedSources(
      "metro_zones", "metropolitan_zones_2015",
      "INEGI/CONAPO/SEDATU metropolitan zones 2015: member municipalities",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("CVE_ZM", "metro_zone_code", FieldType.TEXT),
          field("NOM_ZM", "metro_zone_name", FieldType.TEXT),
          field("CVE_MUN", MUNICIPALITY_CODE, FieldType.MUNICIPALITY_CODE))
          .keyedBy("CVE_MUN"),
      Map.of("metro_zone_code", "Metropolitan zone code (SS.NN)",
          "metro_zone_name", "Metropolitan zone name",
          MUNICIPALITY_CODE, "INEGI municipality code, 5 digits"));

  public static final DelimitedSources ADJACENCY = new DelimitedSources(
      "adjacency", "municipality_adjacency",
      "Pairs of municipalities (2020 geography) that share a border, from simplified polygons",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("cvegeo_a", "municipality_code_a", FieldType.MUNICIPALITY_CODE),
          field("cvegeo_b", "municipality_code_b", FieldType.MUNICIPALITY_CODE))
          .keyedBy("cvegeo_a", "cvegeo_b"),
      Map.of("municipality_code_a", "INEGI municipality code, 5 digits",
          "municipality_code_b", "INEGI code of a municipality bordering it"));

  public static final DelimitedSources DRUG_WAR_HOMICIDES = new DelimitedSources(
      "drug_war_homicides", "presidencia_drug_war_homicides",
      "Presidencia (2011): deaths attributed to organised-crime rivalry by municipality and "
          + "month, Dec 2006 - Dec 2010; municipality_code null = known state, unknown "
          + "municipality",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("id", MUNICIPALITY_CODE, FieldType.MUNICIPALITY_CODE),
          field("StateCode", "state_code", FieldType.STATE_CODE),
          field("Date", "month", FieldType.TEXT),
          field("Executions", "executions", FieldType.COUNT),
          field("Aggressions", "aggressions", FieldType.COUNT),
          field("Shootouts", "shootouts", FieldType.COUNT),
          field("Total", "deaths", FieldType.COUNT))
          .keyedBy("id", "StateCode", "Date"),
      Map.of(MUNICIPALITY_CODE, "INEGI municipality code, 5 digits; null when Presidencia "
              + "knew the state only",
          "state_code", "INEGI state code, 2 digits",
          "month", "Month of the deaths, as Mon-YYYY (English abbreviations)",
          "executions", "Executions", "aggressions", "Deaths in aggressions",
          "shootouts", "Deaths in shootouts",
          "deaths", "All deaths attributed to organised-crime rivalry"));

  public static final DelimitedSources PORTS_OF_ENTRY = new DelimitedSources(
      "ports_of_entry", "us_ports_of_entry",
      "US land ports of entry on the Mexican border with coordinates (US BTS Border Crossing "
          + "Entry Data)",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("port_code", "port_code", FieldType.TEXT),
          field("port_name", "port_name", FieldType.TEXT),
          field("state", "us_state", FieldType.TEXT),
          field("latitude", "latitude", FieldType.DECIMAL),
          field("longitude", "longitude", FieldType.DECIMAL))
          .keyedBy("port_code"),
      Map.of("port_code", "US CBP port code, 4 digits", "port_name", "Port of entry name",
          "us_state", "US state of the port", "latitude", "Latitude of the port (degrees)",
          "longitude", "Longitude of the port (degrees)"));

  public static final DelimitedSources POPPY_ERADICATION = eradication("poppy_eradication",
      "opium poppy");
  public static final DelimitedSources MARIJUANA_ERADICATION = eradication(
      "marijuana_eradication", "marijuana");

  public static final DelimitedSources DRUG_LAB_DENSITY = new DelimitedSources(
      "drug_lab_density", "drug_lab_density_grid",
      "Kernel density of drug-lab seizures on a regular lon/lat grid (C. Resa Nestares, via "
          + "diegovalle/drug-war-interactive-map)",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("lon", "longitude", FieldType.DECIMAL),
          field("lat", "latitude", FieldType.DECIMAL),
          field("density", "density", FieldType.DECIMAL))
          .keyedBy("lon", "lat"),
      Map.of("longitude", "Longitude of the grid point (degrees)",
          "latitude", "Latitude of the grid point (degrees)",
          "density", "Kernel density of drug-lab seizures (relative; units not stated)"));

  public static final DelimitedSources PIPELINE_MUNICIPALITIES = new DelimitedSources(
      "pipeline_municipalities", "pipeline_municipalities",
      "Municipalities crossed by PEMEX fuel pipelines (fuel-theft exposure)",
      DelimitedFile.commaSeparated(NOT_AVAILABLE,
          field("id", MUNICIPALITY_CODE, FieldType.MUNICIPALITY_CODE)).keyedBy("id"),
      Map.of(MUNICIPALITY_CODE, "INEGI municipality code, 5 digits"));


  /** A delimited source declared by another package (e.g. a region's own sources). */
  public static DelimitedSources declare(String configKey, String tableName, String description,
      DelimitedFile format, Map<String, String> comments) {
    return new DelimitedSources(configKey, tableName, description, format, comments);
  }

  private final String configKey;
  private final Table table;
  private final DelimitedFile format;
  private final StructType schema;

  private DelimitedSources(String configKey, String tableName, String description,
      DelimitedFile format, Map<String, String> comments) {
    this.configKey = configKey;
    this.format = format;
    StructType fields = new StructType();
    for (DelimitedFile.Field f : format.fields()) {
      fields = fields.add(f.column(), sparkType(f.type()), true);
    }
    this.schema = fields.add(EXTRA_COLUMNS,
        DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false);
    Map<String, String> all = new LinkedHashMap<>(comments);
    all.put(EXTRA_COLUMNS, "Columns of the raw file not typed here, by header, as text");
    this.table = Table.in(Table.Layer.BRONZE, tableName).describedAs(description)
        .columns(all).columns(Lineage.COMMENTS).build();
  }

  private static DelimitedSources catalogue(String configKey, int vintage) {
    return new DelimitedSources(configKey, "municipality_catalogue_" + vintage,
        "Municipalities of the " + vintage + " census geography with population, seat "
            + "coordinates and metro area (mxmaps)",
        DelimitedFile.commaSeparated(NOT_AVAILABLE,
            field("region", MUNICIPALITY_CODE, FieldType.MUNICIPALITY_CODE),
            field("state_code", "state_code", FieldType.STATE_CODE),
            field("state_name", "state_name", FieldType.TEXT),
            field("municipio_name", "municipality_name", FieldType.TEXT),
            field("pop", POPULATION, FieldType.AMOUNT),
            field("long", "seat_longitude", FieldType.DECIMAL),
            field("lat", "seat_latitude", FieldType.DECIMAL))
            .keyedBy("region"),
        Map.of(MUNICIPALITY_CODE, "INEGI municipality code, 5 digits",
            "state_code", "INEGI state code, 2 digits", "state_name", "State name",
            "municipality_name", "Municipality name",
            POPULATION, "Census population " + vintage,
            "seat_longitude", "Longitude of the municipal seat (degrees)",
            "seat_latitude", "Latitude of the municipal seat (degrees)"));
  }

  /** Eradication by municipality: the usual proxy for where a drug is grown. */
  private static DelimitedSources eradication(String configKey, String crop) {
    return new DelimitedSources(configKey, configKey + "_by_municipality",
        "Eradication of " + crop + " by municipality, relative intensity (units not stated; "
            + "C. Resa Nestares, via diegovalle/drug-war-interactive-map)",
        DelimitedFile.commaSeparated(NOT_AVAILABLE,
            field("cvegeo", MUNICIPALITY_CODE, FieldType.MUNICIPALITY_CODE),
            field("nom_mun", "municipality_name", FieldType.TEXT),
            field("area_km2", "area_km2", FieldType.DECIMAL),
            field("total", "eradication_intensity", FieldType.DECIMAL)),
        Map.of(MUNICIPALITY_CODE, "INEGI municipality code, 5 digits",
            "municipality_name", "Municipality name", "area_km2", "Municipal area (km2)",
            "eradication_intensity", "Eradication of " + crop + ", relative intensity"));
  }

  private static DataType sparkType(FieldType type) {
    return switch (type) {
      case INTEGER, COUNT -> DataTypes.IntegerType;
      case DECIMAL, AMOUNT -> DataTypes.DoubleType;
      case TEXT, MUNICIPALITY_CODE, STATE_CODE -> DataTypes.StringType;
    };
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

  @Override
  public ParsedFile<Row> parse(String file, List<String> lines, Integer year) {
    ParsedFile<DelimitedFile.Line> parsed = format.parse(file, lines);
    List<Row> rows = new ArrayList<>(parsed.records().size());
    for (DelimitedFile.Line line : parsed.records()) {
      Object[] values = new Object[line.values().length + 2];
      values[0] = line.lineNumber();
      System.arraycopy(line.values(), 0, values, 1, line.values().length);
      values[values.length - 1] = line.extras();
      rows.add(RowFactory.create(values));
    }
    return new ParsedFile<>(file, rows, parsed.rejected());
  }
}
