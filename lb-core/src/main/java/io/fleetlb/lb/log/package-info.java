/** The access log: one logfmt line per request, written off the event loops, no content. */
package io.fleetlb.lb.log;
