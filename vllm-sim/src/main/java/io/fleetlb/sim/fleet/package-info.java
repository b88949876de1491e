/**
 * Fleets: a YAML file of many replicas (ids, models, profiles, ports, faults) run in one process.
 */
package io.fleetlb.sim.fleet;
