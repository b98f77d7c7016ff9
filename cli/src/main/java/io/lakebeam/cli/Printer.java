package io.lakebeam.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Prints results as indented JSON, the same shapes the Flight actions return. */
final class Printer {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Printer() {}

  /** Prints {@code o} as one line of JSON (what scripts parse: the last line of output). */
  static void jsonLine(Object o) {
    try {
      System.out.println(new ObjectMapper().writeValueAsString(o));
    } catch (Exception e) {
      System.out.println(o);
    }
  }

  static void json(Object o) {
    try {
      System.out.println(JSON.writeValueAsString(o));
    } catch (Exception e) {
      System.out.println(o);
    }
  }
}
