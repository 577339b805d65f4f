package dev.toxserver.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a benchmark prints: section headings as it goes, and at the end a table of its figures
 * against their targets.
 */
public final class Report {
  /** One line of the table; the verdict is printed as it is. */
  public record Row(String metric, String measured, String target, String verdict) {}

  private final List<Row> rows = new ArrayList<>();

  /** A heading before a scenario's figures. */
  public static void section(String title) {
    System.out.println();
    System.out.println("== " + title);
  }

  /** "met", "MISSED", or "—" where there is no target to meet ({@code met} null). */
  public static String met(Boolean met) {
    return met == null ? "—" : met ? "met" : "MISSED";
  }

  /** Adds a row; {@code verdict} is printed with its {@code toString()}. */
  public void add(String metric, String measured, String target, Object verdict) {
    rows.add(new Row(metric, measured, target, String.valueOf(verdict)));
  }

  public List<Row> rows() {
    return List.copyOf(rows);
  }

  /** Columns of fixed widths, indented by two: "metric measured target verdict". */
  public void printColumns(int metricWidth, int measuredWidth, int targetWidth) {
    String format = "  %-" + metricWidth + "s %-" + measuredWidth + "s %-" + targetWidth + "s %s%n";
    System.out.printf(Locale.ROOT, format, "metric", "measured", "target", "verdict");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, format, r.metric(), r.measured(), r.target(), r.verdict());
    }
  }

  /**
   * Columns as wide as their widest cell, "metric value target verdict", a rule under the heading;
   * nothing at all without rows.
   */
  public void printAligned() {
    if (rows.isEmpty()) {
      return;
    }
    int w0 = "metric".length();
    int w1 = "value".length();
    int w2 = "target".length();
    for (Row r : rows) {
      w0 = Math.max(w0, r.metric().length());
      w1 = Math.max(w1, r.measured().length());
      w2 = Math.max(w2, r.target().length());
    }
    String format = "%-" + w0 + "s  %-" + w1 + "s  %-" + w2 + "s  %s%n";
    System.out.println();
    System.out.printf(Locale.ROOT, format, "metric", "value", "target", "verdict");
    System.out.println("-".repeat(w0 + w1 + w2 + 6 + "verdict".length()));
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, format, r.metric(), r.measured(), r.target(), r.verdict());
    }
  }
}
