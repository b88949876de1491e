/**
 * Units written by people: {@link io.fleetlb.units.Durations}, the one duration grammar that the
 * routers' config files and flags, the simulator's fleet files and flags and the bench's flags all
 * accept.
 */
package io.fleetlb.units;
