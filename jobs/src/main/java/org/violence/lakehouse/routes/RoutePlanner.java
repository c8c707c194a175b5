package org.violence.lakehouse.routes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.interfaces.ShortestPathAlgorithm.SingleSourcePaths;
import org.jgrapht.alg.shortestpath.DijkstraShortestPath;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

/**
 * Least-cost trafficking routes over the municipal network (Dell, AER 2015): from every producing
 * municipality to its cheapest US ports of entry, under a scenario's costs.
 *
 * <p>A pure function of collected inputs. The network has ~2,500 nodes and ~7,000 edges, so
 * JGraphT's Dijkstra on the driver answers a producer in about a millisecond; a distributed graph
 * engine (GraphX, GraphFrames) would spend longer scheduling its supersteps than computing.
 */
final class RoutePlanner {
  /** Vertex standing for "any municipality on a route" in the distance-to-route search. */
  private static final String ANY_ROUTE = "any-route";

  private RoutePlanner() {}

  /** A step between bordering municipalities: its length and its baseline cost. */
  public record Edge(String a, String b, double km, double cost) {}

  /** A port of entry, the municipality it stands in, and the last leg from that seat. */
  public record Port(String portCode, String municipalityCode, double kmFromSeat) {}

  /** A producing municipality and its intensity (the weight of its routes). */
  public record Producer(String municipalityCode, double intensity) {}

  /** The network the routes run over, as collected from the network tables. */
  public record Network(List<String> municipalities, List<Edge> edges, List<Port> ports,
      List<Producer> producers) {}

  /**
   * The costs of a run: crossing (entering or leaving) a crackdown municipality costs
   * {@code crackdownMultiplier} times the step's cost; closed ports take no route.
   */
  public record Costs(String scenario, Set<String> crackdown, double crackdownMultiplier,
      Set<String> closedPorts, int portsPerProducer) {}

  /**
   * A predicted route: {@code rank} 1 is the producer's cheapest port. {@code km} and
   * {@code cost} include the last leg from the destination's seat to the port.
   */
  public record Route(String scenario, String origin, String portCode, String destination,
      int rank, double km, double cost, double intensity, List<String> municipalities) {}

  /** Km along the network from a municipality to the nearest one on a route (null: none). */
  public record DistanceToRoute(String scenario, String municipalityCode, Double km) {}

  /** Routes, the distance of every municipality to them, and producers that reach no port. */
  public record Plan(List<Route> routes, List<DistanceToRoute> distances,
      List<String> strandedProducers) {}

  public static Plan plan(Network network, Costs costs) {
    Graph<String, DefaultWeightedEdge> byCost = graph(network, edge -> edge.cost()
        * (costs.crackdown().contains(edge.a()) || costs.crackdown().contains(edge.b())
            ? costs.crackdownMultiplier() : 1.0));
    Graph<String, DefaultWeightedEdge> byKm = graph(network, Edge::km);
    List<Port> openPorts = network.ports().stream()
        .filter(p -> !costs.closedPorts().contains(p.portCode())).toList();
    DijkstraShortestPath<String, DefaultWeightedEdge> dijkstra = new DijkstraShortestPath<>(byCost);

    List<Route> routes = new ArrayList<>();
    List<String> stranded = new ArrayList<>();
    for (Producer producer : network.producers()) {
      SingleSourcePaths<String, DefaultWeightedEdge> paths = dijkstra.getPaths(
          producer.municipalityCode());
      List<Port> reachable = openPorts.stream()
          .filter(p -> paths.getPath(p.municipalityCode()) != null)
          .sorted(Comparator.comparingDouble((Port p) -> paths.getWeight(p.municipalityCode())
              + p.kmFromSeat()).thenComparing(Port::portCode))
          .toList();
      if (reachable.isEmpty()) {
        stranded.add(producer.municipalityCode());
      }
      int k = costs.portsPerProducer() == 0 ? reachable.size()
          : Math.min(costs.portsPerProducer(), reachable.size());
      for (int rank = 1; rank <= k; rank++) {
        Port port = reachable.get(rank - 1);
        GraphPath<String, DefaultWeightedEdge> path = paths.getPath(port.municipalityCode());
        double km = lengthKm(byKm, path.getVertexList());
        routes.add(new Route(costs.scenario(), producer.municipalityCode(), port.portCode(),
            port.municipalityCode(), rank, km + port.kmFromSeat(),
            path.getWeight() + port.kmFromSeat(), producer.intensity(),
            List.copyOf(path.getVertexList())));
      }
    }
    return new Plan(routes, distancesToRoutes(byKm, routes, network, costs.scenario()), stranded);
  }

  /** Km of a path found on the cost graph, measured on the km graph (edges are per graph). */
  private static double lengthKm(Graph<String, DefaultWeightedEdge> byKm, List<String> steps) {
    double km = 0;
    for (int i = 1; i < steps.size(); i++) {
      km += byKm.getEdgeWeight(byKm.getEdge(steps.get(i - 1), steps.get(i)));
    }
    return km;
  }

  /**
   * Network km from every municipality to the nearest municipality on any route: one Dijkstra
   * from a virtual vertex joined at zero cost to every municipality on a route.
   */
  private static List<DistanceToRoute> distancesToRoutes(Graph<String, DefaultWeightedEdge> byKm,
      List<Route> routes, Network network, String scenario) {
    byKm.addVertex(ANY_ROUTE);
    routes.stream().flatMap(r -> r.municipalities().stream()).distinct()
        .forEach(m -> byKm.setEdgeWeight(byKm.addEdge(ANY_ROUTE, m), 0.0));
    SingleSourcePaths<String, DefaultWeightedEdge> fromRoutes =
        new DijkstraShortestPath<>(byKm).getPaths(ANY_ROUTE);
    List<DistanceToRoute> distances = new ArrayList<>(network.municipalities().size());
    for (String municipality : network.municipalities()) {
      double km = fromRoutes.getWeight(municipality);
      distances.add(new DistanceToRoute(scenario, municipality,
          Double.isInfinite(km) ? null : km));
    }
    return distances;
  }

  /** Undirected graph over every municipality (islands included, as isolated vertices). */
  private static Graph<String, DefaultWeightedEdge> graph(Network network,
      ToDoubleFunction<Edge> weight) {
    Graph<String, DefaultWeightedEdge> graph = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
    network.municipalities().forEach(graph::addVertex);
    // The edges table holds each pair once, so addEdge never returns null here.
    for (Edge edge : network.edges()) {
      graph.setEdgeWeight(graph.addEdge(edge.a(), edge.b()), weight.applyAsDouble(edge));
    }
    return graph;
  }
}
