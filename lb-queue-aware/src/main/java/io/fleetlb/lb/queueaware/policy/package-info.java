/** The queue-aware routing policy: a load estimate per replica and a spread pick among the lowest. */
package io.fleetlb.lb.queueaware.policy;
