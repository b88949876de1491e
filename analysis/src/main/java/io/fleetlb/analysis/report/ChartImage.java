package io.fleetlb.analysis.report;

/**
 * A chart written as a PNG: its file name under charts/, title, caption, and the bytes for
 * embedding.
 */
public record ChartImage(String file, String title, String caption, byte[] png) {}
