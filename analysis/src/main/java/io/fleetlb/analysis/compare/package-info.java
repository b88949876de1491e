/**
 * The comparison: how the arms pair, the metric catalog, the bootstrap over requests and
 * repetitions, verdicts, paired per-request differences and the arms' profiles.
 */
package io.fleetlb.analysis.compare;
