/**
 * Open-loop replay: a pacer thread releases each request at its scheduled time to an event loop,
 * which sends it whatever earlier requests are doing, and parses the SSE stream chunk by chunk with
 * every timestamp kept.
 */
package io.fleetlb.bench.replay;
