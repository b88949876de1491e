/**
 * {@code analysis/compare.sh}: two arms of runs compared with paired bootstrap intervals and a
 * verdict per metric; {@link io.fleetlb.analysis.Main} reads the runs, runs the comparison and has
 * {@link io.fleetlb.analysis.ReportWriter} write the reports.
 */
package io.fleetlb.analysis;
