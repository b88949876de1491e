/** lb-roundrobin: lb-core with a model-aware round-robin policy, the baseline router. */
package io.fleetlb.lb.roundrobin;
