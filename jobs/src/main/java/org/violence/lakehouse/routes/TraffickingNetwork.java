package org.violence.lakehouse.routes;

import static org.apache.spark.sql.functions.*;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.violence.lakehouse.io.ExactSums;
import org.violence.lakehouse.run.Quarantine;
import org.violence.lakehouse.conf.LakehouseConfig;
import org.violence.lakehouse.io.Lineage;
import org.violence.lakehouse.io.Table;
import org.violence.lakehouse.silver.Municipalities;

/**
 * The municipal transport network of the route model: one node per municipality of the 2020
 * geography (the geography of the adjacency file), with what the route model needs to know about
 * it (producer intensity, ports of entry standing in it, distances to the US), and one edge per
 * pair of bordering municipalities, weighted by the great-circle length between their seats.
 *
 * <p>Ports of entry have US-side coordinates, so none lies inside a Mexican polygon: each is
 * attached to the municipality with the nearest seat, and refused when that seat is farther than
 * {@code trafficking.port_attachment_max_km}.
 */
public final class TraffickingNetwork {
  public static final String MUNICIPALITY_CODE = Municipalities.MUNICIPALITY_CODE;
  public static final String CODE_A = "municipality_code_a";
  public static final String CODE_B = "municipality_code_b";
  public static final String KM = "km";
  public static final String COST = "cost";
  public static final String PORT_CODE = "port_code";
  public static final String KM_FROM_SEAT = "km_from_seat";
  public static final String POPPY = "poppy_intensity";
  public static final String MARIJUANA = "marijuana_intensity";
  public static final String PRODUCER_INTENSITY = "producer_intensity";
  public static final String IS_PRODUCER = "is_producer";
  public static final String HAS_PIPELINE = "has_pipeline";
  public static final String PORTS_OF_ENTRY = "ports_of_entry";
  public static final String IS_BORDER = "is_border_municipality";
  public static final String KM_TO_PORT = "km_to_nearest_port";
  public static final String NEAREST_PORT = "nearest_port_code";
  public static final String KM_TO_BORDER = "km_to_us_border";

  /** Geography of the adjacency file, and so of the network. */
  static final int NETWORK_VINTAGE = 2020;

  public static final Table NODES = Table.in(Table.Layer.SILVER, "trafficking_network_nodes")
      .describedAs("Nodes of the trafficking network: municipalities of the 2020 geography with "
          + "producer intensity, ports of entry and distances to the US")
      .sourcedFrom("silver.municipalities (seats), INEGI adjacency, poppy and marijuana "
          + "eradication, PEMEX pipelines; computed by the route stage")
      .column(MUNICIPALITY_CODE, "INEGI municipality code, 5 digits (2020 geography)")
      .column(Municipalities.STABLE_CODE, "Panel unit it belongs to (see silver.municipalities)")
      .column(Municipalities.MUNICIPALITY_NAME, "Municipality name")
      .column(Municipalities.SEAT_LONGITUDE, "Longitude of the municipal seat (degrees)")
      .column(Municipalities.SEAT_LATITUDE, "Latitude of the municipal seat (degrees)")
      .column(POPPY, "Opium-poppy eradication, relative intensity (0 where none recorded)")
      .column(MARIJUANA, "Marijuana eradication, relative intensity (0 where none recorded)")
      .column(PRODUCER_INTENSITY, "Poppy + marijuana eradication intensity: the producer proxy")
      .column(IS_PRODUCER, "Producer intensity at least trafficking.producer_min_intensity")
      .column(HAS_PIPELINE, "Crossed by a PEMEX fuel pipeline")
      .column(PORTS_OF_ENTRY, "US port codes of the ports of entry attached to it")
      .column(IS_BORDER, "A port of entry is attached to it, or its seat is at most "
          + "trafficking.border_municipality_km from the US border")
      .column(KM_TO_PORT, "Great-circle km from the seat to the nearest US port of entry")
      .column(NEAREST_PORT, "US port code of that nearest port")
      .column(KM_TO_BORDER, "Km from the seat to the US border (DistUSBorder of "
          + "municipality-heads.csv, 2007 geography; null for municipalities created later)")
      .build();

  public static final Table EDGES = Table.in(Table.Layer.SILVER, "trafficking_network_edges")
      .describedAs("Edges of the trafficking network: bordering municipalities, once per pair")
      .sourcedFrom("INEGI municipal adjacency and municipal seats; great-circle distances "
          + "computed by the route stage")
      .column(CODE_A, "INEGI code of one municipality (the smaller code)")
      .column(CODE_B, "INEGI code of a municipality bordering it")
      .column(KM, "Great-circle km between the two municipal seats")
      .column(COST, "Cost of the step in the route model; the baseline cost function is the "
          + "length in km (road class or terrain costs would enter here)")
      .build();

  public static final Table PORTS = Table.in(Table.Layer.SILVER, "ports_of_entry")
      .describedAs("US land ports of entry attached to the Mexican municipality they serve")
      .sourcedFrom("US Bureau of Transportation Statistics, land ports of entry on the Mexican "
          + "border")
      .column(PORT_CODE, "US CBP port code, 4 digits")
      .column("port_name", "Port of entry name")
      .column("us_state", "US state of the port")
      .column("longitude", "Longitude of the port (degrees)")
      .column("latitude", "Latitude of the port (degrees)")
      .column(MUNICIPALITY_CODE, "Mexican municipality with the nearest seat, where the port "
          + "stands")
      .column(KM_FROM_SEAT, "Great-circle km from that seat to the port: the last leg of a route")
      .build();

  private TraffickingNetwork() {}

  /** Silver municipalities and the bronze tables the network is made of. */
  public record Inputs(Dataset<Row> municipalities, Dataset<Row> adjacency,
      Dataset<Row> seats2007, Dataset<Row> ports, Dataset<Row> poppy, Dataset<Row> marijuana,
      Dataset<Row> pipelines) {}

  /** The three tables, and the bronze rows refused on the way (quarantine rows). */
  public record Result(Dataset<Row> nodes, Dataset<Row> edges, Dataset<Row> ports,
      Dataset<Row> refused) {}

  public static Result build(Inputs in, LakehouseConfig.Trafficking params) {
    Dataset<Row> municipalities = in.municipalities()
        .where(array_contains(col(Municipalities.VINTAGES), NETWORK_VINTAGE))
        .select(MUNICIPALITY_CODE, Municipalities.STABLE_CODE, Municipalities.MUNICIPALITY_NAME,
            Municipalities.SEAT_LONGITUDE, Municipalities.SEAT_LATITUDE);
    Dataset<Row> known = municipalities.select(col(MUNICIPALITY_CODE).as("known_code"));

    Dataset<Row> adjacency = in.adjacency()
        .withColumn(MUNICIPALITY_CODE, col(CODE_A))
        .unionByName(in.adjacency().withColumn(MUNICIPALITY_CODE, col(CODE_B)));
    Dataset<Row> refusedEdges = refusedCodes(adjacency, known,
        "is not a municipality of the " + NETWORK_VINTAGE + " geography; the border pair "
            + "cannot be an edge", EDGES);
    Dataset<Row> poppy = in.poppy();
    Dataset<Row> marijuana = in.marijuana();
    Dataset<Row> pipelines = in.pipelines();
    Dataset<Row> refused = refusedEdges
        .unionByName(refusedCodes(poppy, known, "is in no municipality catalogue", NODES))
        .unionByName(refusedCodes(marijuana, known, "is in no municipality catalogue", NODES))
        .unionByName(refusedCodes(pipelines, known, "is in no municipality catalogue", NODES));

    Dataset<Row> seats = municipalities.select(col(MUNICIPALITY_CODE),
        col(Municipalities.SEAT_LONGITUDE).as("lon"), col(Municipalities.SEAT_LATITUDE).as("lat"));
    Dataset<Row> edges = edges(in.adjacency(), seats);

    Dataset<Row> portDistances = in.ports().crossJoin(seats).withColumn(KM_FROM_SEAT,
        GreatCircle.km(col("longitude"), col("latitude"), col("lon"), col("lat")));
    Dataset<Row> nearestSeat = nearest(portDistances, PORT_CODE, KM_FROM_SEAT);
    Dataset<Row> ports = nearestSeat.where(col(KM_FROM_SEAT).leq(params.portAttachmentMaxKm()))
        .select(col(PORT_CODE), col("port_name"), col("us_state"), col("longitude"),
            col("latitude"), col(MUNICIPALITY_CODE), col(KM_FROM_SEAT));
    Dataset<Row> refusedPorts = Quarantine.of(PORTS,
        nearestSeat.where(col(KM_FROM_SEAT).gt(params.portAttachmentMaxKm()))
            .withColumn(Quarantine.RECORD, concat_ws(" ", col(PORT_CODE), col("port_name")))
            .withColumn(Quarantine.REASON, format_string("no municipal seat within %s km of the "
                + "port (nearest: %s at %.1f km)", lit(params.portAttachmentMaxKm()),
                col(MUNICIPALITY_CODE), col(KM_FROM_SEAT))));

    Dataset<Row> nearestPort = nearest(portDistances, MUNICIPALITY_CODE, KM_FROM_SEAT)
        .select(col(MUNICIPALITY_CODE), col(KM_FROM_SEAT).as(KM_TO_PORT),
            col(PORT_CODE).as(NEAREST_PORT));
    Dataset<Row> portsHere = ports.groupBy(MUNICIPALITY_CODE)
        .agg(sort_array(collect_list(PORT_CODE)).as(PORTS_OF_ENTRY));
    Dataset<Row> nodes = municipalities
        .join(intensity(poppy, POPPY), MUNICIPALITY_CODE, "left")
        .join(intensity(marijuana, MARIJUANA), MUNICIPALITY_CODE, "left")
        .join(pipelines.select(MUNICIPALITY_CODE).distinct()
            .withColumn(HAS_PIPELINE, lit(true)), MUNICIPALITY_CODE, "left")
        .join(portsHere, MUNICIPALITY_CODE, "left")
        .join(nearestPort, MUNICIPALITY_CODE, "left")
        .join(in.seats2007().select(col(MUNICIPALITY_CODE), col("km_to_us_border")
            .as(KM_TO_BORDER)), MUNICIPALITY_CODE, "left");
    Column producerIntensity = coalesce(col(POPPY), lit(0.0))
        .plus(coalesce(col(MARIJUANA), lit(0.0)));
    Column portsOfEntry = coalesce(col(PORTS_OF_ENTRY), array().cast("array<string>"));
    nodes = nodes.select(col(MUNICIPALITY_CODE), col(Municipalities.STABLE_CODE),
        col(Municipalities.MUNICIPALITY_NAME), col(Municipalities.SEAT_LONGITUDE),
        col(Municipalities.SEAT_LATITUDE), coalesce(col(POPPY), lit(0.0)).as(POPPY),
        coalesce(col(MARIJUANA), lit(0.0)).as(MARIJUANA), producerIntensity.as(PRODUCER_INTENSITY),
        producerIntensity.geq(params.producerMinIntensity()).as(IS_PRODUCER),
        coalesce(col(HAS_PIPELINE), lit(false)).as(HAS_PIPELINE), portsOfEntry.as(PORTS_OF_ENTRY),
        size(portsOfEntry).gt(0).or(coalesce(col(KM_TO_BORDER)
            .leq(params.borderMunicipalityKm()), lit(false))).as(IS_BORDER),
        col(KM_TO_PORT), col(NEAREST_PORT), col(KM_TO_BORDER));
    return new Result(nodes, edges, ports, refused.unionByName(refusedPorts));
  }

  /** Each bordering pair once, smaller code first, with the seats' great-circle distance. */
  private static Dataset<Row> edges(Dataset<Row> adjacency, Dataset<Row> seats) {
    Dataset<Row> pairs = adjacency.where(col(CODE_A).notEqual(col(CODE_B))).select(
        least(col(CODE_A), col(CODE_B)).as(CODE_A), greatest(col(CODE_A), col(CODE_B)).as(CODE_B))
        .distinct();
    Dataset<Row> seatA = seats.select(col(MUNICIPALITY_CODE).as(CODE_A), col("lon").as("lon_a"),
        col("lat").as("lat_a"));
    Dataset<Row> seatB = seats.select(col(MUNICIPALITY_CODE).as(CODE_B), col("lon").as("lon_b"),
        col("lat").as("lat_b"));
    Column km = GreatCircle.km(col("lon_a"), col("lat_a"), col("lon_b"), col("lat_b"));
    return pairs.join(seatA, CODE_A).join(seatB, CODE_B)
        .select(col(CODE_A), col(CODE_B), km.as(KM), km.as(COST));
  }

  /** The row with the smallest {@code by} for each {@code key}. */
  private static Dataset<Row> nearest(Dataset<Row> rows, String key, String by) {
    return rows.withColumn("rank", row_number().over(Window.partitionBy(key)
            .orderBy(col(by), col(PORT_CODE), col(MUNICIPALITY_CODE))))
        .where(col("rank").equalTo(1)).drop("rank");
  }

  /** Eradication summed per municipality: the poppy file lists a few municipalities twice. */
  private static Dataset<Row> intensity(Dataset<Row> eradication, String column) {
    return eradication.groupBy(MUNICIPALITY_CODE)
        .agg(ExactSums.sum(coalesce(col("eradication_intensity"), lit(0.0))).as(column));
  }

  /**
   * Eradication rows of producers that reach no open port (an island, a gap in the adjacency
   * file, or a scenario closing every reachable port), as quarantine rows of the routes table.
   */
  static Dataset<Row> strandedProducers(Dataset<Row> eradication, List<String> stranded) {
    return Quarantine.of(TraffickingRoutes.ROUTES, eradication
        .where(col(MUNICIPALITY_CODE).isin(stranded.toArray()))
        .withColumn(Quarantine.RECORD, col(MUNICIPALITY_CODE))
        .withColumn(Quarantine.REASON, concat(lit("producer "), col(MUNICIPALITY_CODE),
            lit(" reaches no open port of entry over the adjacency network, in some scenario"))));
  }

  /** Bronze rows whose municipality code the network does not know, as quarantine rows. */
  private static Dataset<Row> refusedCodes(Dataset<Row> bronze, Dataset<Row> known,
      String reason, Table stage) {
    Dataset<Row> unknown = bronze.join(known, col(MUNICIPALITY_CODE).equalTo(col("known_code")),
            "left_anti")
        .withColumn(Quarantine.RECORD, col(MUNICIPALITY_CODE))
        .withColumn(Quarantine.REASON, concat(lit("municipality code "),
            coalesce(col(MUNICIPALITY_CODE), lit("(empty)")), lit(" " + reason)))
        .select(Lineage.SOURCE_FILE, Lineage.LINE_NUMBER, Quarantine.RECORD, Quarantine.REASON,
            Lineage.RUN_ID, Lineage.LOAD_TIME);
    return Quarantine.of(stage, unknown);
  }
}
