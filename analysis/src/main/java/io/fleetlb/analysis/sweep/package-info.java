/**
 * Capacity under the SLO: each arm run at several offered rates, the highest rate at which it kept
 * the goodput target, and the gain.
 */
package io.fleetlb.analysis.sweep;
