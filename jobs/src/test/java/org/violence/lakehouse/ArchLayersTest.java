package org.violence.lakehouse;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packages' layers, from the configuration at the bottom to the command line at the top,
 * following the data: sources, bronze, the stage runner, silver, routes, gold, then what reads
 * gold (models, reconciliations, Central America, the microdata), the catalogue of every table,
 * the analysts' tools and the command line. A class may use its own layer and those below; an
 * import that goes up a layer, or a cycle between packages, fails here with the offending
 * classes named.
 */
class ArchLayersTest {
  private static final String ROOT = "org.violence.lakehouse";
  /** Bottom to top; packages on one line form one layer. */
  private static final List<List<String>> LAYERS = List.of(
      List.of("conf"),
      List.of("io"),
      List.of("sources", "quality"),
      List.of("bronze"),
      List.of("run"),
      List.of("silver"),
      List.of("routes"),
      List.of("gold"),
      List.of("model", "reconcile", "centralamerica", "microdata"),
      List.of("synthetic"),
      List.of("catalog"),
      List.of("analyst"),
      List.of("cli"));

  private static final JavaClasses PRODUCT = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(ROOT);

  @Test
  void noPackageUsesALayerAboveItsOwn() {
    for (int layer = 0; layer < LAYERS.size() - 1; layer++) {
      List<String> above = new ArrayList<>();
      LAYERS.subList(layer + 1, LAYERS.size()).forEach(upper -> upper.forEach(
          name -> above.add(ROOT + "." + name + "..")));
      noClasses().that().resideInAnyPackage(LAYERS.get(layer).stream()
              .map(name -> ROOT + "." + name + "..").toArray(String[]::new))
          .should().dependOnClassesThat().resideInAnyPackage(above.toArray(String[]::new))
          .because("layer " + LAYERS.get(layer) + " lies below " + LAYERS.subList(layer + 1,
              LAYERS.size()))
          .check(PRODUCT);
    }
  }

  @Test
  void packagesFormNoCycle() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(PRODUCT);
  }

  @Test
  void everyPackageHasALayer() {
    List<String> placed = LAYERS.stream().flatMap(List::stream).map(name -> ROOT + "." + name)
        .toList();
    noClasses().should().resideOutsideOfPackages(placed.stream().map(name -> name + "..")
        .toArray(String[]::new)).check(PRODUCT);
  }
}
