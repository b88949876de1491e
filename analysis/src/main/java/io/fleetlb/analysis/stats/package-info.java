/**
 * Statistics the comparison needs beyond numpy's: weighted percentiles of resampled data,
 * percentile intervals and the verdict rule.
 */
package io.fleetlb.analysis.stats;
