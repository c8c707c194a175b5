package org.violence.lakehouse.model;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.violence.lakehouse.gold.MunicipalityYearPanel;
import org.violence.lakehouse.model.Formula.Binary;
import org.violence.lakehouse.model.Formula.Call;
import org.violence.lakehouse.model.Formula.Expression;
import org.violence.lakehouse.model.Formula.Group;
import org.violence.lakehouse.model.Formula.Logical;
import org.violence.lakehouse.model.Formula.Name;
import org.violence.lakehouse.model.Formula.Negate;
import org.violence.lakehouse.model.Formula.Not;
import org.violence.lakehouse.model.Formula.Number;
import org.violence.lakehouse.model.Formula.Term;
import org.violence.lakehouse.model.Formula.Text;
import org.violence.lakehouse.silver.Municipalities;

/**
 * A formula's expressions as Spark SQL columns, in two passes over the panel. First every
 * input is computed on the whole Mexican panel ({@link #input}): transforms, arithmetic and the
 * panel operators, whose lags read the municipality's other years even outside the model's
 * sample (a 2007 sample row has its 2006 lag). Then, on the sample, the terms that depend on
 * the data learn it ({@link #learn}: the levels of {@code i()}, the orthogonal basis of
 * {@code poly()}) and each term becomes its named columns ({@link #columns}).
 */
final class FormulaColumns {
  /** A regressor's column and its coefficient's name (fixest's). */
  record Named(String name, Column column) {}

  /** The panel's time index: one row per municipality and year. */
  private static final WindowSpec PANEL = Window.partitionBy(Municipalities.STABLE_CODE)
      .orderBy(MunicipalityYearPanel.YEAR);

  private final List<Column> inputs = new ArrayList<>();
  private final Function<String, String> columnOf;
  private final StructType panel;

  /**
   * True when a regressor compares text (outside i()): fixest then builds its columns with R's
   * model.matrix, which names a condition's column after its TRUE level, I(x > 0)TRUE; with
   * numbers alone it names it I(x > 0).
   */
  private final boolean conditionsNamedByLevel;
  private final List<Term> regressors;

  /**
   * {@code columnOf} maps a name in the formula to the panel's column (aliases); the formula
   * decides how conditions are named.
   */
  FormulaColumns(Function<String, String> columnOf, StructType panel, Formula formula) {
    this.columnOf = columnOf;
    this.panel = panel;
    this.regressors = formula.regressors();
    this.conditionsNamedByLevel = formula.regressors().stream()
        .flatMap(term -> term.factors().stream()).anyMatch(this::comparesText);
  }

  private boolean comparesText(Expression e) {
    if (e instanceof Logical l && (isTextOperand(l.left()) || isTextOperand(l.right()))) {
      return true;
    }
    // fixest builds i() apart, so its text factor does not change how the rest is named.
    return !(e instanceof Call c && c.function().equals("i"))
        && e.operands().stream().anyMatch(this::comparesText);
  }

  /** A panel column as it is (a factor's levels keep their type). */
  Column raw(String name) {
    return col(columnOf.apply(name));
  }

  /** True for a text column: i() takes it as a factor. */
  boolean isText(String name) {
    String column = columnOf.apply(name);
    return java.util.Arrays.asList(panel.fieldNames()).contains(column)
        && panel.apply(column).dataType().equals(DataTypes.StringType);
  }

  /** The columns the first pass adds to the panel. */
  List<Column> inputs() {
    return inputs;
  }

  /** A term's factor, planned: its inputs are registered now, its columns made after learning. */
  interface Factor {
    /** Reads what the factor needs from the sample (one Spark job at most). */
    default void learn(Dataset<Row> sample) {}

    List<Named> columns();
  }

  /** Plans the factors of one of the formula's regressor terms. */
  List<Factor> factors(Term term) {
    if (term.factors().stream().filter(FormulaColumns::isFactorCall).count() > 1) {
      throw new IllegalArgumentException(term.label() + ": one factor() per interaction; "
          + "i(a, i.b) crosses two factors");
    }
    List<Factor> factors = new ArrayList<>();
    for (Expression expression : term.factors()) {
      if (isFactorCall(expression)) {
        Term without = new Term(term.factors().stream().filter(f -> !isFactorCall(f)).toList());
        factors.add(new FactorTerm(this, (Call) expression, without.factors().isEmpty()
            || regressors.stream().anyMatch(t -> t.label().equals(without.label()))));
      } else {
        factors.add(factor(expression));
      }
    }
    return factors;
  }

  private static boolean isFactorCall(Expression e) {
    return e instanceof Call c && FormulaParser.FACTORS.contains(c.function());
  }

  /** Plans one factor of a regressor term. */
  private Factor factor(Expression expression) {
    if (expression instanceof Call call) {
      switch (call.function()) {
        case "i":
          return new IndicatorTerm(this, call);
        case "poly":
          return new PolynomialTerm(this, call);
        case "l", "f", "d":
          if (call.arguments().size() == 2 && call.arguments().get(1) instanceof Binary range) {
            List<Named> lags = new ArrayList<>();
            for (int k = order(range.left()); k <= order(range.right()); k++) {
              lags.add(panelOperator(call.function(), call.arguments().get(0), k));
            }
            return () -> lags;
          }
          Named lag = panelOperator(call.function(), call.arguments().get(0),
              call.arguments().size() == 2 ? order(call.arguments().get(1)) : 1);
          return () -> List.of(lag);
        default:
          break;
      }
    }
    Column value = input(value(expression));
    boolean condition = expression instanceof Call c && c.function().equals("I")
        && (c.arguments().get(0) instanceof Logical || c.arguments().get(0) instanceof Not);
    String name = expression.render() + (condition && conditionsNamedByLevel ? "TRUE" : "");
    return () -> List.of(new Named(name, value));
  }

  /** fixest names a panel operator by its expanded call: {@code l(x, 1)}. */
  private Named panelOperator(String operator, Expression x, int k) {
    Column value = input(panelValue(operator, value(x), k));
    return new Named(operator + "(" + x.render() + ", " + k + ")", value);
  }

  /** Registers a first-pass column; returns how the second pass refers to it. */
  Column input(Column value) {
    String name = "_in" + inputs.size();
    inputs.add(value.as(name));
    return col(name);
  }

  /** A single-column expression as a double column. */
  Column value(Expression e) {
    if (e instanceof Name n) {
      if (isText(n.name())) {
        // R would make one dummy per level of it; a cast would make its codes numbers.
        throw new IllegalArgumentException("'" + n.name() + "' is text, not a number: i("
            + n.name() + ") makes one dummy per level, | " + n.name() + " absorbs them");
      }
      return raw(n.name()).cast(DataTypes.DoubleType);
    }
    if (e instanceof Number n) {
      return lit(n.value());
    }
    if (e instanceof Group g) {
      return value(g.inner());
    }
    if (e instanceof Negate n) {
      return negate(value(n.operand()));
    }
    if (e instanceof Call c) {
      return call(c);
    }
    if (e instanceof Logical || e instanceof Not) {
      return truth(e).cast(DataTypes.DoubleType);
    }
    if (e instanceof Binary b) {
      return switch (b.operator()) {
        case '+' -> value(b.left()).plus(value(b.right()));
        case '-' -> value(b.left()).minus(value(b.right()));
        case '*' -> value(b.left()).multiply(value(b.right()));
        case '/' -> value(b.left()).divide(value(b.right()));
        case '^' -> pow(value(b.left()), value(b.right()));
        default -> throw new IllegalArgumentException("'" + b.render() + "': a range "
            + "(a:b) is only the second argument of l(), f() or d()");
      };
    }
    throw new IllegalArgumentException("'" + e.render() + "' is text, not a number; text "
        + "goes in ref = ...");
  }

  /**
   * An expression as a condition, with R's logic: a number is true where it is not 0, and an
   * empty operand leaves the condition empty unless the other decides it (FALSE & NA is FALSE,
   * as Spark's AND).
   */
  private Column truth(Expression e) {
    if (e instanceof Not n) {
      return not(truth(n.operand()));
    }
    if (!(e instanceof Logical l)) {
      return value(e).notEqual(0);
    }
    if (l.operator().equals("&") || l.operator().equals("|")) {
      Column left = truth(l.left());
      return l.operator().equals("&") ? left.and(truth(l.right())) : left.or(truth(l.right()));
    }
    boolean text = isTextOperand(l.left()) || isTextOperand(l.right());
    Column left = text ? textValue(l.left()) : value(l.left());
    Column right = text ? textValue(l.right()) : value(l.right());
    return switch (l.operator()) {
      case "<" -> left.lt(right);
      case "<=" -> left.leq(right);
      case ">" -> left.gt(right);
      case ">=" -> left.geq(right);
      case "==" -> left.equalTo(right);
      default -> left.notEqual(right);
    };
  }

  /** A text column or a quoted value: compared as text, as R compares a code with "09". */
  private boolean isTextOperand(Expression e) {
    return e instanceof Text || e instanceof Name n && isText(n.name());
  }

  private Column textValue(Expression e) {
    if (e instanceof Text t) {
      return lit(t.value());
    }
    if (e instanceof Name n && isText(n.name())) {
      return raw(n.name());
    }
    throw new IllegalArgumentException("'" + e.render() + "' is compared with text: on both "
        + "sides a text column or a quoted value, as state_code == \"09\"");
  }

  private Column call(Call c) {
    Column x = value(c.arguments().get(0));
    return switch (c.function()) {
      case "log" -> log(x);
      case "log1p" -> log1p(x);
      case "exp" -> exp(x);
      case "sqrt" -> sqrt(x);
      case "abs" -> abs(x);
      case "I" -> x;
      case "l", "f", "d" -> panelValue(c.function(), x,
          c.arguments().size() == 2 ? order(c.arguments().get(1)) : 1);
      default -> throw new IllegalArgumentException(c.function() + "() makes several columns; "
          + "it stands as a term of its own");
    };
  }

  /**
   * The value k years before ({@code l}) or after ({@code f}), or the change since k years
   * before ({@code d}): null when the municipality has no row that year, as fixest's panel.
   */
  private static Column panelValue(String operator, Column x, int k) {
    int offset = operator.equals("f") ? k : -k;
    Column shifted = first(x).over(PANEL.rangeBetween(offset, offset));
    return operator.equals("d") ? x.minus(shifted) : shifted;
  }

  static int order(Expression k) {
    if (k instanceof Number n) {
      return (int) n.value();
    }
    if (k instanceof Negate n) {
      return -order(n.operand());
    }
    throw new IllegalArgumentException("'" + k.render() + "' is not a whole number");
  }

  /** A factor level as R names it: 2007, 0.5, TRUE, or the text. */
  static String levelLabel(Object value) {
    if (value instanceof Double || value instanceof Float) {
      return Formula.rNumber(((java.lang.Number) value).doubleValue());
    }
    if (value instanceof Boolean b) {
      return b ? "TRUE" : "FALSE";
    }
    return String.valueOf(value);
  }
}
