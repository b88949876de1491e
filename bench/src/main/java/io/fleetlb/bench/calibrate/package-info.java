/**
 * {@code bench.jar calibrate}: the bench measured against its own in-process upstream of known
 * timing, for its schedule lag, measurement error and the highest rate it holds on this machine.
 */
package io.fleetlb.bench.calibrate;
