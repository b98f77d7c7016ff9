package io.lakebeam.core.filter;

import io.lakebeam.core.LakebeamException;
import java.util.ArrayList;
import java.util.List;

/** Splits a filter into tokens; strings use single quotes ('' escapes), odd names double quotes. */
final class FilterLexer {
  private FilterLexer() {}

  static List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '(') {
        out.add(new Token(Token.Kind.LPAREN, "(", i++, false));
      } else if (c == ')') {
        out.add(new Token(Token.Kind.RPAREN, ")", i++, false));
      } else if (c == '[') {
        out.add(new Token(Token.Kind.LBRACKET, "[", i++, false));
      } else if (c == ']') {
        out.add(new Token(Token.Kind.RBRACKET, "]", i++, false));
      } else if (c == ',') {
        out.add(new Token(Token.Kind.COMMA, ",", i++, false));
      } else if (c == '\'' || c == '"') {
        int start = i++;
        StringBuilder b = new StringBuilder();
        while (true) {
          if (i >= s.length()) {
            throw fail(s, start, "unterminated " + (c == '\'' ? "string" : "quoted name"));
          }
          char d = s.charAt(i++);
          if (d == c) {
            if (i < s.length() && s.charAt(i) == c) {
              b.append(c);
              i++;
            } else {
              break;
            }
          } else {
            b.append(d);
          }
        }
        out.add(
            new Token(
                c == '\'' ? Token.Kind.STRING : Token.Kind.IDENT, b.toString(), start, c == '"'));
      } else if (Character.isDigit(c)
          || ((c == '-' || c == '.') && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        int start = i++;
        while (i < s.length()
            && (Character.isDigit(s.charAt(i))
                || ".eE".indexOf(s.charAt(i)) >= 0
                || ((s.charAt(i) == '-' || s.charAt(i) == '+')
                    && "eE".indexOf(s.charAt(i - 1)) >= 0))) {
          i++;
        }
        out.add(new Token(Token.Kind.NUMBER, s.substring(start, i), start, false));
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < s.length()
            && (Character.isLetterOrDigit(s.charAt(i))
                || s.charAt(i) == '_'
                || s.charAt(i) == '.')) {
          i++;
        }
        out.add(new Token(Token.Kind.IDENT, s.substring(start, i), start, false));
      } else if ("=!<>".indexOf(c) >= 0) {
        int start = i++;
        if (i < s.length() && (s.charAt(i) == '=' || (c == '<' && s.charAt(i) == '>'))) {
          i++;
        }
        String op = s.substring(start, i);
        if (op.equals("!")) {
          throw fail(s, start, "'!' must be followed by '='");
        }
        out.add(new Token(Token.Kind.OP, op, start, false));
      } else {
        throw fail(s, i, "unexpected character '" + c + "'");
      }
    }
    out.add(new Token(Token.Kind.END, "end of filter", s.length(), false));
    return out;
  }

  private static LakebeamException fail(String s, int pos, String message) {
    return LakebeamException.invalid(
        "Cannot parse filter \"%s\" at position %d: %s", FilterParser.shown(s), pos + 1, message);
  }
}
