/**
 * Admission control: per-replica in-flight limits and the router's own per-model queue, fair
 * between client keys ({@link io.fleetlb.lb.admission.Admission}).
 */
package io.fleetlb.lb.admission;
