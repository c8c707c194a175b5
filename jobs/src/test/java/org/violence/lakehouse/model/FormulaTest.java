package org.violence.lakehouse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The formula language's grammar, names and errors, without Spark. */
class FormulaTest {

  private static List<String> terms(String formula) {
    return Formula.parse(formula).regressors().stream().map(Formula.Term::label).toList();
  }

  private static String error(String formula) {
    return assertThrows(IllegalArgumentException.class, () -> Formula.expand(formula))
        .getMessage();
  }

  @Test
  void writesTermsAsFixestNamesThem() {
    String text = "log1p(homicides) ~ log(population) + I(gini^2) + I(100 * gini - x/2) + "
        + "i(year, on_trafficking_route, ref = 2006) + l(x, 1) | municipality + state^year";
    Formula formula = Formula.parse(text);
    assertEquals(text, formula.render());
    assertEquals("log1p(homicides)", formula.outcome().render());
    assertEquals(List.of("municipality", "state^year"),
        formula.fixedEffects().stream().map(Formula.Effect::label).toList());
    // Spacing as R's deparse writes it, whatever the author typed.
    assertEquals(List.of("I(gini * 1e+05)", "I((gini + 1)^2)", "I(gini/3e-07)", "I(-gini)"),
        terms("y ~ I(gini*100000) + I( (gini+1) ^ 2 ) + I(gini / 3e-7) + I(-gini)"));
    assertEquals(List.of("poly(x, 2, raw = TRUE)"), terms("y ~ poly(x,2,raw=TRUE)"));
  }

  @Test
  void numbersAsRPrintsThem() {
    assertEquals("1e+05", Formula.rNumber(100000));
    assertEquals("1000", Formula.rNumber(1000));
    assertEquals("123456", Formula.rNumber(123456));
    assertEquals("0.5", Formula.rNumber(0.5));
    assertEquals("3e-07", Formula.rNumber(3e-7));
    assertEquals("-2.5", Formula.rNumber(-2.5));
    assertEquals("0.1", Formula.rNumber(0.1));
  }

  @Test
  void productsExpandAsRsTerms() {
    assertEquals(List.of("a", "b", "a:b"), terms("y ~ a*b"));
    assertEquals(List.of("a", "b", "c", "a:b", "a:c", "b:c", "a:b:c"), terms("y ~ a*b*c"));
    assertEquals(List.of("a", "b", "a:b"), terms("y ~ a*b + a"), "a term written twice");
    // As R's terms() (and so fixest) order them: main effects first, an interaction's
    // variables in the order they first appear (R and fixest 0.12.1 name these so).
    assertEquals(List.of("x", "c", "a:b"), terms("y ~ x + a:b + c"));
    assertEquals(List.of("gini", "gini:urbanisation"), terms("y ~ gini + urbanisation:gini"));
    assertEquals(List.of("gini", "log(population)", "log(population):gini"),
        terms("y ~ log(population):gini + gini + log(population)"));
    assertEquals(List.of("a:b"), terms("y ~ a:b + b:a"));
    assertEquals(List.of("factor(year)", "x", "as.factor(state):x"),
        terms("y ~ factor(year) + as.factor(state):x + x"));
  }

  @Test
  void severalOutcomesAndStepsMakeSeveralModelsInFixestsOrder() {
    List<String> models = Formula.expand("c(y1, log(y2)) ~ x + csw(a, b + c) | fe").stream()
        .map(Formula::render).toList();
    assertEquals(List.of("y1 ~ x + a | fe", "y1 ~ x + a + b + c | fe",
        "log(y2) ~ x + a | fe", "log(y2) ~ x + a + b + c | fe"), models);
    assertEquals(List.of("y ~ x + a + z", "y ~ x + b + z"),
        Formula.expand("y ~ x + sw(a, b) + z").stream().map(Formula::render).toList());
    assertEquals(List.of("y ~ x", "y ~ x + a", "y ~ x + a + b"),
        Formula.expand("y ~ x + csw0(a, b)").stream().map(Formula::render).toList());
    assertEquals(List.of("y ~ x", "y ~ x + a", "y ~ x + b"),
        Formula.expand("y ~ x + sw0(a, b)").stream().map(Formula::render).toList());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Formula.parse("y ~ sw(a, b)")).getMessage().contains("describes 2 models"));
  }

  /**
   * Comparisons and logic inside I(), with R's precedence and deparse: fixest names
   * I(year >= 2007) so (no TRUE suffix), and !x == 1 is !(x == 1).
   */
  @Test
  void comparisonsAndLogicAsRParsesAndNamesThem() {
    assertEquals(List.of("I(year >= 2007)", "I(gini > 0.4 & urbanisation < 50)",
        "I(!after_2006 | route == 1)", "I(state_code != \"09\")", "I(!x == 1)"),
        terms("y ~ I(year>=2007) + I(gini>0.4&urbanisation<50) + I(!after_2006|route==1) + "
            + "I(state_code!=\"09\") + I(!x==1)"));
    Formula.Logical or = (Formula.Logical) ((Formula.Call) Formula.parse(
        "y ~ I(a < 1 | b <= 2 & !c > 3)").regressors().get(0).factors().get(0)).arguments()
        .get(0);
    assertEquals("|", or.operator(), "& binds tighter than |");
    Formula.Logical and = (Formula.Logical) or.right();
    assertEquals("&", and.operator());
    assertEquals(new Formula.Not(new Formula.Logical(">", new Formula.Name("c"),
        new Formula.Number(3))), and.right(), "! takes the whole comparison");
    assertEquals("I(homicides > 0)", Formula.parse("I(homicides > 0) ~ x").outcome().render());
    assertEquals(List.of("a", "b", "fe"), Formula.parse("y ~ I(a == b) | fe").columns()
        .subList(1, 4));
    assertTrue(error("y ~ year >= 2007").contains("found '>=': a comparison goes inside I(), as "
        + "in I(year >= 2007)"), error("y ~ year >= 2007"));
    assertTrue(error("y ~ I(a < b < c)").contains("closing the 'I('"));
  }

  @Test
  void columnsAreWhatTheFormulaReads() {
    assertEquals(List.of("y", "population", "year", "route", "size", "gini", "x", "fe", "s",
        "t"), Formula.parse("log(y) ~ log(population) + i(year, route, ref = 2006) + "
        + "i(after, i.size) + poly(gini, 2, raw = TRUE) + l(x, 1:2) | fe + s^t").columns()
        .stream().filter(c -> !c.equals("after")).toList());
  }

  @Test
  void aMistakeIsPointedAtWithWhatWasExpected() {
    assertEquals("formula error at character 10: expected ',' or ')' closing the 'log(' at "
        + "character 5, found the end\n  y ~ log(x\n           ^", error("y ~ log(x"));
    assertTrue(error("y x").startsWith("formula error at character 3: expected '~' between "
        + "the outcome and the regressors, found 'x'"), error("y x"));
    assertTrue(error("y ~ x + ").contains("character 9: expected a column or a function"));
    assertTrue(error("y ~ foo(x)").contains("not 'foo'"));
    assertTrue(error("y ~ i(year, reff = 2006)")
        .contains("expected i()'s arguments (named: "), error("y ~ i(year, reff = 2006)"));
    assertTrue(error("y ~ log(i(year))").contains("i() makes several columns"));
    assertTrue(error("y ~ 1 + x").contains("0 and 1 are not terms"));
    assertTrue(error("y ~ x | fe1 fe2").contains("expected '+', '^' or the end, found 'fe2'"));
    assertTrue(error("y ~ x + sw(a) + csw(b)").contains("a second csw()"));
    assertTrue(error("y ~ l(x, 1.5)").contains("k a whole number or a range"));
    assertTrue(error("y ~ poly(x)").contains("poly(column, degree)"));
    // raw = 1 or raw = yes would have fitted orthogonal polynomials without a word.
    assertTrue(error("y ~ poly(x, 2, raw = 1)").contains("raw = TRUE or T"));
    assertTrue(FormulaParser.isTrue(((Formula.Call) Formula.parse("y ~ poly(x, 2, raw = T)")
        .regressors().get(0).factors().get(0)).named("raw")));
    assertTrue(error("y ~ factor(log(x))").contains("factor(column): the levels of one column"));
    assertTrue(error("y ~ log(factor(x))").contains("factor() makes several columns"));
    assertTrue(error("y ~ x # z").contains("'#' has no meaning in a formula"));
    assertTrue(error("y ~ x + I(a:b)").contains("expected ',' or ')' closing the 'I('"));
  }
}
