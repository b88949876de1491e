/**
 * The reports of a comparison: the headline sentence, the console table, report.md, the
 * self-contained report.html, comparison.json and the charts.
 */
package io.fleetlb.analysis.report;
