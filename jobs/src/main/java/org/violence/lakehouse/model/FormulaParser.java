package org.violence.lakehouse.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.violence.lakehouse.model.Formula.Binary;
import org.violence.lakehouse.model.Formula.Call;
import org.violence.lakehouse.model.Formula.Effect;
import org.violence.lakehouse.model.Formula.Expression;
import org.violence.lakehouse.model.Formula.Group;
import org.violence.lakehouse.model.Formula.Logical;
import org.violence.lakehouse.model.Formula.Name;
import org.violence.lakehouse.model.Formula.NamedArgument;
import org.violence.lakehouse.model.Formula.Negate;
import org.violence.lakehouse.model.Formula.Not;
import org.violence.lakehouse.model.Formula.Number;
import org.violence.lakehouse.model.Formula.Term;
import org.violence.lakehouse.model.Formula.Text;

/**
 * Recursive-descent parser of {@link Formula}'s language. On the formula's level {@code +}
 * separates terms, {@code :} and {@code *} interact them; inside a function's parentheses the
 * arguments are arithmetic, comparisons and logic with R's precedence ({@code ^} over unary
 * minus over {@code :} over {@code * /} over {@code + -} over comparisons over {@code !} over
 * {@code &} over {@code |}). A mistake is reported with its position, a caret under it and
 * what was expected there.
 */
final class FormulaParser {
  /** Functions of one numeric argument. */
  static final Set<String> TRANSFORMS = Set.of("log", "log1p", "exp", "sqrt", "abs");
  static final Set<String> PANEL_OPERATORS = Set.of("l", "f", "d");
  static final Set<String> STEPWISE = Set.of("sw", "sw0", "csw", "csw0");
  /** R's factor(x): one dummy per level, named {@code factor(year)2007}. */
  static final Set<String> FACTORS = Set.of("factor", "as.factor");
  private static final Set<String> COMPARISONS = Set.of("<", "<=", ">", ">=", "==", "!=");
  private static final Map<String, Set<String>> NAMED_ARGUMENTS = Map.of(
      "i", Set.of("ref", "ref2"), "poly", Set.of("raw"));

  private enum Kind { NAME, NUMBER, TEXT, SYMBOL, END }

  private record Token(Kind kind, String text, int position) {
    boolean is(String symbol) {
      return kind == Kind.SYMBOL && text.equals(symbol);
    }
  }

  /** One formula before c() and sw() are multiplied out. */
  record Specification(List<Expression> outcomes, List<Term> before, String stepwise,
      List<List<Term>> steps, List<Term> after, List<Effect> effects) {

    List<Formula> expand() {
      List<List<Term>> stepTerms = new ArrayList<>();
      if (stepwise == null) {
        stepTerms.add(List.of());
      } else {
        boolean cumulative = stepwise.startsWith("c");
        if (stepwise.endsWith("0")) {
          stepTerms.add(List.of());
        }
        List<Term> sofar = new ArrayList<>();
        for (List<Term> step : steps) {
          if (!cumulative) {
            sofar.clear();
          }
          sofar.addAll(step);
          stepTerms.add(List.copyOf(sofar));
        }
      }
      List<Formula> models = new ArrayList<>();
      for (Expression outcome : outcomes) {
        for (List<Term> step : stepTerms) {
          List<Term> regressors = new ArrayList<>(before);
          regressors.addAll(step);
          regressors.addAll(after);
          models.add(new Formula(outcome, asRTerms(regressors), effects));
        }
      }
      return models;
    }
  }

  /**
   * The terms as R's terms() lists them, which fixest's names follow: the variables are
   * numbered by their first appearance, an interaction lists its variables in that order
   * ({@code gini + urbanisation:gini} names {@code gini:urbanisation}), a term written twice
   * ({@code a*b + a}, {@code a:b + b:a}) is one, and main effects come before interactions.
   */
  static List<Term> asRTerms(List<Term> written) {
    Map<Expression, Integer> appearance = new java.util.HashMap<>();
    written.forEach(t -> t.factors().forEach(f -> appearance.putIfAbsent(f,
        appearance.size())));
    Map<String, Term> distinct = new java.util.LinkedHashMap<>();
    for (Term term : written) {
      Term ordered = new Term(term.factors().stream().distinct()
          .sorted(java.util.Comparator.comparing(appearance::get)).toList());
      distinct.putIfAbsent(ordered.label(), ordered);
    }
    return distinct.values().stream()
        .sorted(java.util.Comparator.comparing(t -> t.factors().size())).toList();
  }

  private final String text;
  private final List<Token> tokens;
  private int next;

  FormulaParser(String text) {
    this.text = text;
    this.tokens = tokenize(text);
  }

  Specification parse() {
    List<Expression> outcomes = new ArrayList<>();
    if (peek().kind == Kind.NAME && peek().text.equals("c") && peekAt(1).is("(")) {
      next += 2;
      do {
        outcomes.add(expression(false));
      } while (accept(","));
      expect(")", "',' or ')' closing c(");
    } else {
      outcomes.add(expression(false));
    }
    expect("~", "'~' between the outcome and the regressors");
    List<Term> before = new ArrayList<>();
    List<Term> after = new ArrayList<>();
    String stepwise = null;
    List<List<Term>> steps = new ArrayList<>();
    do {
      Token token = peek();
      if (token.kind == Kind.NAME && STEPWISE.contains(token.text) && peekAt(1).is("(")) {
        if (stepwise != null) {
          throw error(token, "a second " + token.text + "(): fixest allows one sw()/csw() "
              + "among the regressors");
        }
        stepwise = token.text;
        next += 2;
        do {
          steps.add(sum());
        } while (accept(","));
        expect(")", "',' or ')' closing " + stepwise + "(");
      } else {
        (stepwise == null ? before : after).addAll(product());
      }
    } while (accept("+"));
    List<Effect> effects = new ArrayList<>();
    if (accept("|")) {
      do {
        List<String> columns = new ArrayList<>(List.of(name("a fixed-effect column")));
        while (accept("^")) {
          columns.add(name("a column after '^'"));
        }
        effects.add(new Effect(List.copyOf(columns)));
      } while (accept("+"));
    }
    if (peek().kind != Kind.END) {
      String expected = effects.isEmpty() ? "'+', ':', '*', '|' or the end"
          : "'+', '^' or the end";
      if (peek().kind == Kind.SYMBOL && (COMPARISONS.contains(peek().text) || peek().is("&"))) {
        throw error(peek().position, "expected " + expected + ", found '" + peek().text
            + "': a comparison goes inside I(), as in I(year >= 2007)");
      }
      throw error(peek(), expected);
    }
    if (before.isEmpty() && after.isEmpty() && steps.stream().allMatch(List::isEmpty)) {
      throw error(tokens.get(0), "at least one regressor");
    }
    return new Specification(outcomes, before, stepwise, steps, after, effects);
  }

  /** A lone expression, e.g. an offset {@code log(population)}. */
  Expression expressionOnly() {
    Expression e = expression(false);
    if (peek().kind != Kind.END) {
      throw error(peek(), "an operator or the end");
    }
    return e;
  }

  /** Terms joined by '+' (an argument of sw()/csw()). */
  private List<Term> sum() {
    List<Term> terms = new ArrayList<>();
    do {
      terms.addAll(product());
    } while (accept("+"));
    return terms;
  }

  /** {@code a*b*c}: every interaction of the operands, by size, as R's terms() lists them. */
  private List<Term> product() {
    List<Term> operands = new ArrayList<>(List.of(interaction()));
    while (accept("*")) {
      operands.add(interaction());
    }
    List<Term> terms = new ArrayList<>();
    for (int size = 1; size <= operands.size(); size++) {
      interactions(operands, size, 0, new ArrayList<>(), terms);
    }
    return terms;
  }

  private static void interactions(List<Term> operands, int size, int from,
      List<Expression> chosen, List<Term> out) {
    if (size == 0) {
      out.add(new Term(List.copyOf(chosen)));
      return;
    }
    for (int j = from; j < operands.size(); j++) {
      List<Expression> more = new ArrayList<>(chosen);
      more.addAll(operands.get(j).factors());
      interactions(operands, size - 1, j + 1, more, out);
    }
  }

  private Term interaction() {
    List<Expression> factors = new ArrayList<>(List.of(termFactor()));
    while (accept(":")) {
      factors.add(termFactor());
    }
    return new Term(List.copyOf(factors));
  }

  /** A column or a function call on the formula's level (arithmetic goes inside I()). */
  private Expression termFactor() {
    Token token = peek();
    if (token.kind == Kind.NUMBER) {
      throw error(token, "a column or a function; the intercept is implied (absorbed with fixed "
          + "effects), so 0 and 1 are not terms");
    }
    if (token.kind != Kind.NAME) {
      throw error(token, "a column or a function such as log(x), I(x^2), i(year, ref = 2006)");
    }
    next++;
    return peek().is("(") ? call(token, true) : new Name(token.text);
  }

  /** Arithmetic, comparisons and logic: the outcome, a function's argument. */
  private Expression expression(boolean range) {
    Expression left = conjunction(range);
    while (accept("|")) {
      left = new Logical("|", left, conjunction(range));
    }
    return left;
  }

  private Expression conjunction(boolean range) {
    Expression left = negation(range);
    while (accept("&")) {
      left = new Logical("&", left, negation(range));
    }
    return left;
  }

  /** R's {@code !} takes a whole comparison: {@code !x == 1} is {@code !(x == 1)}. */
  private Expression negation(boolean range) {
    if (accept("!")) {
      return new Not(negation(range));
    }
    Expression left = additive(range);
    if (peek().kind == Kind.SYMBOL && COMPARISONS.contains(peek().text)) {
      String operator = tokens.get(next++).text;
      return new Logical(operator, left, additive(range));
    }
    return left;
  }

  private Expression additive(boolean range) {
    Expression left = multiplicative(range);
    while (peek().is("+") || peek().is("-")) {
      char op = tokens.get(next++).text.charAt(0);
      left = new Binary(op, left, multiplicative(range));
    }
    return left;
  }

  private Expression multiplicative(boolean range) {
    Expression left = colon(range);
    while (peek().is("*") || peek().is("/")) {
      char op = tokens.get(next++).text.charAt(0);
      left = new Binary(op, left, colon(range));
    }
    return left;
  }

  private Expression colon(boolean range) {
    Expression left = unary();
    if (range && peek().is(":")) {
      next++;
      left = new Binary(':', left, unary());
    }
    return left;
  }

  private Expression unary() {
    if (accept("-")) {
      return new Negate(unary());
    }
    accept("+");
    Expression base = primary();
    if (accept("^")) {
      return new Binary('^', base, unary());
    }
    return base;
  }

  private Expression primary() {
    Token token = peek();
    next++;
    switch (token.kind) {
      case NUMBER:
        return new Number(Double.parseDouble(token.text));
      case TEXT:
        return new Text(token.text);
      case NAME:
        return peek().is("(") ? call(token, false) : new Name(token.text);
      default:
        if (token.is("(")) {
          Expression inner = expression(false);
          expect(")", "')' closing the '(' at character " + (token.position + 1));
          return new Group(inner);
        }
        next--;
        throw error(token, "a column, a number or a function");
    }
  }

  /** {@code function(args)}; {@code term} when the call stands as a regressor itself. */
  private Expression call(Token function, boolean term) {
    String name = function.text;
    boolean severalColumns = name.equals("i") || name.equals("poly") || FACTORS.contains(name);
    boolean known = TRANSFORMS.contains(name) || PANEL_OPERATORS.contains(name)
        || name.equals("I") || severalColumns;
    if (!known) {
      throw error(function, STEPWISE.contains(name) || name.equals("c")
          ? name + "() only on its own among the regressors (sw, csw) or as the outcome (c)"
          : "a known function (log, log1p, exp, sqrt, abs, I, poly, i, factor, l, f, d), not '"
          + name + "'");
    }
    if (!term && severalColumns) {
      throw error(function, "a single-column expression: " + name + "() makes several "
          + "columns, so it stands as a term of its own");
    }
    next++;
    List<Expression> arguments = new ArrayList<>();
    List<NamedArgument> named = new ArrayList<>();
    if (!peek().is(")")) {
      do {
        if (peek().kind == Kind.NAME && peekAt(1).is("=")) {
          Token key = tokens.get(next);
          if (!NAMED_ARGUMENTS.getOrDefault(name, Set.of()).contains(key.text)) {
            throw error(key, name + "()'s arguments"
                + (NAMED_ARGUMENTS.containsKey(name) ? " (named: "
                + String.join(", ", NAMED_ARGUMENTS.get(name)) + ")" : "")
                + ", not '" + key.text + " ='");
          }
          next += 2;
          named.add(new NamedArgument(key.text, referenceValue()));
        } else {
          boolean lagArgument = PANEL_OPERATORS.contains(name) && arguments.size() == 1;
          arguments.add(expression(lagArgument && term));
        }
      } while (accept(","));
    }
    expect(")", "',' or ')' closing the '" + name + "(' at character "
        + (function.position + 1));
    Call call = new Call(name, List.copyOf(arguments), List.copyOf(named));
    checkArity(function, call);
    return call;
  }

  /** A reference level: a value, or {@code c(v1, v2)}. */
  private Expression referenceValue() {
    if (peek().kind == Kind.NAME && peek().text.equals("c") && peekAt(1).is("(")) {
      next += 2;
      List<Expression> values = new ArrayList<>();
      do {
        values.add(expression(false));
      } while (accept(","));
      expect(")", "',' or ')' closing c(");
      return new Call("c", List.copyOf(values), List.of());
    }
    return expression(false);
  }

  private void checkArity(Token function, Call call) {
    int n = call.arguments().size();
    String name = call.function();
    boolean ok = switch (name) {
      case "i" -> n == 1 || n == 2;
      case "poly" -> n == 2 && call.arguments().get(1) instanceof Number degree
          && degree.value() >= 1 && degree.value() == Math.rint(degree.value())
          && (call.named("raw") == null || isTrue(call.named("raw")) || isFalse(call.named("raw")));
      case "l", "f", "d" -> (n == 1 || n == 2) && (n == 1 || isLagOrder(call.arguments().get(1)));
      case "factor", "as.factor" -> n == 1 && call.arguments().get(0) instanceof Name;
      default -> n == 1;
    };
    if (!ok) {
      throw error(function, switch (name) {
        case "i" -> "i(factor), i(factor, var) or i(factor, i.factor2), with ref = ...";
        case "poly" -> "poly(column, degree) with a whole degree of at least 1 (raw = TRUE "
            + "or T for raw powers, FALSE or F for orthogonal ones)";
        case "l", "f", "d" -> name + "(x) or " + name + "(x, k) with k a whole number or a "
            + "range such as 1:3";
        case "factor", "as.factor" -> name + "(column): the levels of one column";
        default -> name + "() of one argument";
      });
    }
  }

  /** R's TRUE, which R users also write T. */
  static boolean isTrue(Expression e) {
    return e instanceof Name n && Set.of("TRUE", "T").contains(n.name());
  }

  /** R's FALSE, or F. */
  private static boolean isFalse(Expression e) {
    return e instanceof Name n && Set.of("FALSE", "F").contains(n.name());
  }

  private static boolean isLagOrder(Expression k) {
    if (k instanceof Number n) {
      return n.value() == Math.rint(n.value());
    }
    if (k instanceof Negate n) {
      return isLagOrder(n.operand());
    }
    return k instanceof Binary b && b.operator() == ':' && isLagOrder(b.left())
        && isLagOrder(b.right());
  }

  private String name(String what) {
    Token token = peek();
    if (token.kind != Kind.NAME) {
      throw error(token, what);
    }
    next++;
    return token.text;
  }

  private Token peek() {
    return tokens.get(next);
  }

  private Token peekAt(int ahead) {
    return tokens.get(Math.min(next + ahead, tokens.size() - 1));
  }

  private boolean accept(String symbol) {
    if (peek().is(symbol)) {
      next++;
      return true;
    }
    return false;
  }

  private void expect(String symbol, String what) {
    if (!accept(symbol)) {
      throw error(peek(), what);
    }
  }

  private IllegalArgumentException error(Token at, String expected) {
    String found = at.kind == Kind.END ? "the end" : "'" + at.text + "'";
    return error(at.position, "expected " + expected + ", found " + found);
  }

  private IllegalArgumentException error(int position, String problem) {
    return new IllegalArgumentException("formula error at character " + (position + 1) + ": "
        + problem + "\n  " + text + "\n  " + " ".repeat(position) + "^");
  }

  private List<Token> tokenize(String source) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_' || c == '.' && i + 1 < source.length()
          && !Character.isDigit(source.charAt(i + 1))) {
        int start = i;
        while (i < source.length() && (Character.isLetterOrDigit(source.charAt(i))
            || source.charAt(i) == '_' || source.charAt(i) == '.')) {
          i++;
        }
        out.add(new Token(Kind.NAME, source.substring(start, i), start));
      } else if (Character.isDigit(c) || c == '.') {
        int start = i;
        while (i < source.length() && (Character.isDigit(source.charAt(i))
            || source.charAt(i) == '.')) {
          i++;
        }
        if (i < source.length() && (source.charAt(i) == 'e' || source.charAt(i) == 'E')) {
          i++;
          if (i < source.length() && (source.charAt(i) == '+' || source.charAt(i) == '-')) {
            i++;
          }
          while (i < source.length() && Character.isDigit(source.charAt(i))) {
            i++;
          }
        }
        String number = source.substring(start, i);
        try {
          Double.parseDouble(number);
        } catch (NumberFormatException e) {
          throw error(start, "'" + number + "' is not a number");
        }
        out.add(new Token(Kind.NUMBER, number, start));
      } else if (c == '"' || c == '\'') {
        int end = source.indexOf(c, i + 1);
        if (end < 0) {
          throw error(i, "the quote opened here is never closed");
        }
        out.add(new Token(Kind.TEXT, source.substring(i + 1, end), i));
        i = end + 1;
      } else if (i + 1 < source.length() && source.charAt(i + 1) == '='
          && "<>=!".indexOf(c) >= 0) {
        out.add(new Token(Kind.SYMBOL, source.substring(i, i + 2), i));
        i += 2;
      } else if ("~|+-*/^:(),=<>!&".indexOf(c) >= 0) {
        out.add(new Token(Kind.SYMBOL, String.valueOf(c), i));
        i++;
      } else {
        throw error(i, "'" + c + "' has no meaning in a formula");
      }
    }
    out.add(new Token(Kind.END, "", source.length()));
    return out;
  }
}
