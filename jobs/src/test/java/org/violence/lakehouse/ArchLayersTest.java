package org.violence.lakehouse;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packages' layers, from the configuration at the bottom to the command line at the top,
 * following the data: sources, the stage runner (and the quarantine it writes), bronze, silver,
 * routes, gold, then what reads gold (models, reconciliations, Central America, the microdata),
 * the catalogue of every table, the analysts' tools and the command line. A class may use its own layer and those below; an
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
      List.of("run"),
      List.of("bronze"),
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

  /**
   * Package-private by default: a public top-level type is one another package uses, its tests
   * included (or the command line's entry point), so a reader knows what a package offers.
   */
  @Test
  void publicTypesAreUsedByAnotherPackage() {
    JavaClasses withTests = new ClassFileImporter().importPackages(ROOT);
    // Main, ReadOnlySql and CertificateFiles are loaded by name (by the JVM; by Spark from
    // spark.sql.extensions and as a source's format), which needs them public though no package
    // of ours names them.
    classes().that().arePublic().and().areTopLevelClasses()
        .and().doNotHaveSimpleName("Main").and().doNotHaveSimpleName("ReadOnlySql")
        .and().doNotHaveSimpleName("CertificateFiles")
        .and(PRODUCT_CODE)
        .should(new ArchCondition<JavaClass>("be used by a class of another package") {
          @Override
          public void check(JavaClass type, ConditionEvents events) {
            boolean usedOutside = type.getDirectDependenciesToSelf().stream().anyMatch(
                dependency -> !dependency.getOriginClass().getPackageName()
                    .equals(type.getPackageName()));
            if (!usedOutside) {
              events.add(SimpleConditionEvent.violated(type, type.getName()
                  + " is public but no other package uses it: make it package-private"));
            }
          }
        }).check(withTests);
  }

  private static final DescribedPredicate<JavaClass> PRODUCT_CODE = DescribedPredicate.describe(
      "product code", type -> type.getSource().map(source -> !source.getUri().toString()
          .contains("/test-classes/")).orElse(true));

  @Test
  void everyPackageHasALayer() {
    List<String> placed = LAYERS.stream().flatMap(List::stream).map(name -> ROOT + "." + name)
        .toList();
    noClasses().should().resideOutsideOfPackages(placed.stream().map(name -> name + "..")
        .toArray(String[]::new)).check(PRODUCT);
  }
}
