/**
 * Open-loop replay: each event loop releases its share of the requests at their scheduled times
 * from its own timer (a pacer thread on the NIO transport), sends each whatever earlier requests
 * are doing, and parses the SSE stream chunk by chunk with every timestamp kept.
 */
package io.fleetlb.bench.replay;
