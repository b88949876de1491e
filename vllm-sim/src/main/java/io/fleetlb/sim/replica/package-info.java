/**
 * A replica's engine in real time: the driver that runs engine steps on a wall clock (injected, so
 * tests keep their own), its timing fidelity, faults and options.
 */
package io.fleetlb.sim.replica;
