package io.lakebeam.core.filter;

/** A token of the filter language, with its 0-based position in the filter text. */
record Token(Kind kind, String text, int position, boolean quoted) {
  enum Kind {
    IDENT,
    STRING,
    NUMBER,
    OP,
    LPAREN,
    RPAREN,
    LBRACKET,
    RBRACKET,
    COMMA,
    END
  }
}
