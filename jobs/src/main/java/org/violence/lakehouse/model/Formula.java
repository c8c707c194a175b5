package org.violence.lakehouse.model;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One model's formula in R {@code fixest} syntax:
 * {@code outcome ~ regressors | fixed effects}, e.g.
 * {@code log1p(homicides) ~ log(population) + i(year, on_trafficking_route, ref = 2006) |
 * municipality + state^year}.
 *
 * <p>A regressor term is one expression or an interaction {@code a:b} of several (their
 * product); {@code a*b} stands for {@code a + b + a:b}. Expressions are columns, numbers,
 * arithmetic inside {@code I()} or a function's arguments, the transforms {@code log()},
 * {@code log1p()}, {@code exp()}, {@code sqrt()}, {@code abs()}, comparisons and logic
 * ({@code I(year >= 2007 & gini > 0.4)}, 1 where true), and the panel operators
 * {@code l(x, k)}, {@code f(x, k)}, {@code d(x, k)} (lag, lead, difference on the
 * municipality × year index). Three term functions make several columns: {@code poly(x, k)}
 * (orthogonal, or {@code raw = TRUE}), {@code i(factor, [var], ref = ...)} (one dummy per
 * level, times {@code var}: event studies) and R's {@code factor(x)}. A fixed effect
 * {@code a^b} has one level per combination of a and b. Without fixed effects the model has
 * an intercept.
 *
 * <p>Several models come from one line as in fixest: {@code c(y1, y2) ~ ...} and one of
 * {@code sw()}, {@code sw0()}, {@code csw()}, {@code csw0()} among the regressors; see
 * {@link #expand}. Coefficient names are fixest's, so that results line up with R's.
 */
public record Formula(Expression outcome, List<Term> regressors, List<Effect> fixedEffects) {
  public static final String INTERCEPT = "(Intercept)";

  /** A node of an expression, rendered as R's {@code deparse} writes it. */
  public sealed interface Expression permits Name, Number, Text, Call, Binary, Negate, Group,
      Logical, Not {
    String render();

    /** The expressions it is made of (a call's positional arguments), for walking the tree. */
    default List<Expression> operands() {
      return List.of();
    }
  }

  /** A column (or, as an argument, TRUE/FALSE or a factor marked {@code i.name}). */
  public record Name(String name) implements Expression {
    public String render() {
      return name;
    }
  }

  public record Number(double value) implements Expression {
    public String render() {
      return rNumber(value);
    }
  }

  /** A quoted string, e.g. a factor's reference level {@code ref = "01"}. */
  public record Text(String value) implements Expression {
    public String render() {
      return '"' + value + '"';
    }
  }

  /** A function call; {@code named} keeps the {@code name = value} arguments in order. */
  public record Call(String function, List<Expression> arguments, List<NamedArgument> named)
      implements Expression {
    public String render() {
      List<String> parts = new ArrayList<>();
      arguments.forEach(a -> parts.add(a.render()));
      named.forEach(n -> parts.add(n.name() + " = " + n.value().render()));
      return function + "(" + String.join(", ", parts) + ")";
    }

    public List<Expression> operands() {
      return arguments;
    }

    Expression named(String name) {
      return named.stream().filter(n -> n.name().equals(name)).map(NamedArgument::value)
          .findFirst().orElse(null);
    }
  }

  public record NamedArgument(String name, Expression value) {}

  /** {@code + - * / ^}, and {@code :} for a range of lags {@code 1:3}. */
  public record Binary(char operator, Expression left, Expression right) implements Expression {
    public String render() {
      // R's deparse spaces + - * but not / ^ :.
      String op = "+-*".indexOf(operator) >= 0 ? " " + operator + " " : String.valueOf(operator);
      return left.render() + op + right.render();
    }

    public List<Expression> operands() {
      return List.of(left, right);
    }
  }

  public record Negate(Expression operand) implements Expression {
    public String render() {
      return "-" + operand.render();
    }

    public List<Expression> operands() {
      return List.of(operand);
    }
  }

  /**
   * A comparison ({@code < <= > >= == !=}) or a logical {@code &}, {@code |}, as researchers
   * write inside {@code I()}: {@code I(year >= 2007)} is 1 where it holds, 0 where not, and
   * empty where an operand is (R's TRUE, FALSE and NA as a regressor's values).
   */
  public record Logical(String operator, Expression left, Expression right)
      implements Expression {
    public String render() {
      return left.render() + " " + operator + " " + right.render();
    }

    public List<Expression> operands() {
      return List.of(left, right);
    }
  }

  /** R's {@code !x}: 1 where x is 0 (or false), 0 where it is not. */
  public record Not(Expression operand) implements Expression {
    public String render() {
      return "!" + operand.render();
    }

    public List<Expression> operands() {
      return List.of(operand);
    }
  }

  /** Parentheses the author wrote, kept so that the name reads as written. */
  public record Group(Expression inner) implements Expression {
    public String render() {
      return "(" + inner.render() + ")";
    }

    public List<Expression> operands() {
      return List.of(inner);
    }
  }

  /** A regressor: one expression, or the interaction (product) of several. */
  public record Term(List<Expression> factors) {
    public String label() {
      return factors.stream().map(Expression::render).collect(Collectors.joining(":"));
    }
  }

  /** A fixed effect: one column, or the combinations of several ({@code state^year}). */
  public record Effect(List<String> columns) {
    public String label() {
      return String.join("^", columns);
    }
  }

  /** Parses a formula that describes one model; the message of the exception says where. */
  public static Formula parse(String text) {
    List<Formula> models = expand(text);
    if (models.size() != 1) {
      throw new IllegalArgumentException("'" + text + "' describes " + models.size()
          + " models (c(), sw(), csw()); a model's formula names one");
    }
    return models.get(0);
  }

  /**
   * The models one formula describes, in fixest's order (outcomes outermost, then steps):
   * {@code sw(a, b)} fits a, then b; {@code csw(a, b)} fits a, then a + b; {@code sw0} and
   * {@code csw0} start with neither.
   */
  public static List<Formula> expand(String text) {
    return new FormulaParser(text).parse().expand();
  }

  /**
   * An expression on its own, as a model's offset or weights may be written
   * ({@code log(population)}, fixest's {@code offset = ~log(population)}).
   */
  public static Expression expression(String text) {
    return new FormulaParser(text).expressionOnly();
  }

  public boolean hasFixedEffects() {
    return !fixedEffects.isEmpty();
  }

  /** The formula as text that parses back to it. */
  public String render() {
    String rhs = regressors.stream().map(Term::label).collect(Collectors.joining(" + "));
    return outcome.render() + " ~ " + rhs + (fixedEffects.isEmpty() ? "" : " | "
        + fixedEffects.stream().map(Effect::label).collect(Collectors.joining(" + ")));
  }

  /** Every column the formula reads: outcome, regressors' inputs and fixed effects. */
  public List<String> columns() {
    List<String> names = new ArrayList<>(columnsOf(outcome));
    regressors.forEach(t -> t.factors().forEach(f -> names.addAll(columnsOf(f))));
    fixedEffects.forEach(e -> names.addAll(e.columns()));
    return names;
  }

  /** The panel columns an expression reads (not function names, not TRUE or named args). */
  static List<String> columnsOf(Expression e) {
    if (e instanceof Name n) {
      return n.name().equals("TRUE") || n.name().equals("FALSE") ? List.of()
          : List.of(n.name().startsWith("i.") ? n.name().substring(2) : n.name());
    }
    return e.operands().stream().flatMap(operand -> columnsOf(operand).stream()).toList();
  }

  /**
   * A number as R prints it in a formula: up to 15 significant digits, in scientific notation
   * when that is shorter ({@code 1e+05}, {@code 3e-07}), so names match fixest's.
   */
  static String rNumber(double value) {
    if (value == 0) {
      return "0";
    }
    BigDecimal rounded = new BigDecimal(value).round(new MathContext(15)).stripTrailingZeros();
    String fixed = rounded.toPlainString();
    String digits = rounded.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - rounded.scale();
    String mantissa = digits.length() == 1 ? digits
        : digits.charAt(0) + "." + digits.substring(1);
    String scientific = (value < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
        + String.format("%02d", Math.abs(exponent));
    return fixed.length() <= scientific.length() ? fixed : scientific;
  }
}
