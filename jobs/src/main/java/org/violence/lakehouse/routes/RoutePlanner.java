package org.violence.lakehouse.routes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.interfaces.ShortestPathAlgorithm.SingleSourcePaths;
import org.jgrapht.alg.shortestpath.IntVertexDijkstraShortestPath;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

/**
 * Least-cost trafficking routes over the municipal network (Dell, AER 2015): from every producing
 * municipality to its cheapest US ports of entry, under a scenario's costs.
 *
 * <p>A pure function of collected inputs. The network has ~2,500 nodes and ~7,000 edges, so
 * JGraphT's Dijkstra on the driver answers a producer in about a millisecond; a distributed graph
 * engine (GraphX, GraphFrames) would spend longer scheduling its supersteps than computing. The
 * graphs' vertices are the municipalities' positions in the network's list, so that JGraphT's
 * array-based Dijkstra serves: with the codes as vertices its map-based one compared strings at
 * every step, ~1 s of each run on the chain of stages before the panel (jobs/BENCHMARKS.md).
 */
final class RoutePlanner {
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
    // Each municipality's vertex is its position among the network's distinct codes.
    List<String> codes = network.municipalities().stream().distinct().toList();
    Map<String, Integer> vertices = new HashMap<>();
    codes.forEach(code -> vertices.put(code, vertices.size()));
    Graph<Integer, DefaultWeightedEdge> byCost = graph(network, vertices, edge -> edge.cost()
        * (costs.crackdown().contains(edge.a()) || costs.crackdown().contains(edge.b())
            ? costs.crackdownMultiplier() : 1.0));
    Graph<Integer, DefaultWeightedEdge> byKm = graph(network, vertices, Edge::km);
    // A port in no municipality of the network is reached by no route.
    List<Port> openPorts = network.ports().stream()
        .filter(p -> !costs.closedPorts().contains(p.portCode())
            && vertices.containsKey(p.municipalityCode())).toList();
    IntVertexDijkstraShortestPath<DefaultWeightedEdge> dijkstra =
        new IntVertexDijkstraShortestPath<>(byCost);

    List<Route> routes = new ArrayList<>();
    List<String> stranded = new ArrayList<>();
    for (Producer producer : network.producers()) {
      SingleSourcePaths<Integer, DefaultWeightedEdge> paths = dijkstra.getPaths(
          vertex(vertices, producer.municipalityCode()));
      List<Port> reachable = openPorts.stream()
          .filter(p -> paths.getPath(vertices.get(p.municipalityCode())) != null)
          .sorted(Comparator.comparingDouble((Port p) -> paths.getWeight(
              vertices.get(p.municipalityCode())) + p.kmFromSeat()).thenComparing(Port::portCode))
          .toList();
      if (reachable.isEmpty()) {
        stranded.add(producer.municipalityCode());
      }
      int k = costs.portsPerProducer() == 0 ? reachable.size()
          : Math.min(costs.portsPerProducer(), reachable.size());
      for (int rank = 1; rank <= k; rank++) {
        Port port = reachable.get(rank - 1);
        GraphPath<Integer, DefaultWeightedEdge> path = paths.getPath(
            vertices.get(port.municipalityCode()));
        double km = lengthKm(byKm, path.getVertexList());
        routes.add(new Route(costs.scenario(), producer.municipalityCode(), port.portCode(),
            port.municipalityCode(), rank, km + port.kmFromSeat(),
            costFromTheDestination(byCost, path) + port.kmFromSeat(), producer.intensity(),
            path.getVertexList().stream().map(codes::get).toList()));
      }
    }
    return new Plan(routes, distancesToRoutes(byKm, vertices, routes, network, costs.scenario()),
        stranded);
  }

  private static int vertex(Map<String, Integer> vertices, String municipalityCode) {
    Integer vertex = vertices.get(municipalityCode);
    if (vertex == null) {
      throw new IllegalArgumentException("producing municipality " + municipalityCode
          + " is not in the network");
    }
    return vertex;
  }

  /**
   * A path's cost, its steps added from the destination back to the origin, as the routes'
   * costs have always been added (JGraphT's map-based search did so): the array-based one's
   * distances add them the other way, which moved the last bits of 311 of the 480 costs.
   */
  private static double costFromTheDestination(Graph<Integer, DefaultWeightedEdge> byCost,
      GraphPath<Integer, DefaultWeightedEdge> path) {
    List<DefaultWeightedEdge> steps = path.getEdgeList();
    double cost = 0;
    for (int i = steps.size() - 1; i >= 0; i--) {
      cost += byCost.getEdgeWeight(steps.get(i));
    }
    return cost;
  }

  /** Km of a path found on the cost graph, measured on the km graph (edges are per graph). */
  private static double lengthKm(Graph<Integer, DefaultWeightedEdge> byKm, List<Integer> steps) {
    double km = 0;
    for (int i = 1; i < steps.size(); i++) {
      km += byKm.getEdgeWeight(byKm.getEdge(steps.get(i - 1), steps.get(i)));
    }
    return km;
  }

  /**
   * Network km from every municipality to the nearest municipality on any route: one Dijkstra
   * from a virtual vertex, after the municipalities, joined at zero cost to every municipality on
   * a route.
   */
  private static List<DistanceToRoute> distancesToRoutes(Graph<Integer, DefaultWeightedEdge> byKm,
      Map<String, Integer> vertices, List<Route> routes, Network network, String scenario) {
    int anyRoute = vertices.size();
    byKm.addVertex(anyRoute);
    routes.stream().flatMap(r -> r.municipalities().stream()).distinct()
        .forEach(m -> byKm.setEdgeWeight(byKm.addEdge(anyRoute, vertices.get(m)), 0.0));
    SingleSourcePaths<Integer, DefaultWeightedEdge> fromRoutes =
        new IntVertexDijkstraShortestPath<>(byKm).getPaths(anyRoute);
    List<DistanceToRoute> distances = new ArrayList<>(network.municipalities().size());
    for (String municipality : network.municipalities()) {
      double km = fromRoutes.getWeight(vertices.get(municipality));
      distances.add(new DistanceToRoute(scenario, municipality,
          Double.isInfinite(km) ? null : km));
    }
    return distances;
  }

  /** Undirected graph over every municipality (islands included, as isolated vertices). */
  private static Graph<Integer, DefaultWeightedEdge> graph(Network network,
      Map<String, Integer> vertices, ToDoubleFunction<Edge> weight) {
    Graph<Integer, DefaultWeightedEdge> graph =
        new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
    for (int vertex = 0; vertex < vertices.size(); vertex++) {
      graph.addVertex(vertex);
    }
    // The edges table holds each pair once, so addEdge never returns null here.
    for (Edge edge : network.edges()) {
      graph.setEdgeWeight(graph.addEdge(vertices.get(edge.a()), vertices.get(edge.b())),
          weight.applyAsDouble(edge));
    }
    return graph;
  }
}
