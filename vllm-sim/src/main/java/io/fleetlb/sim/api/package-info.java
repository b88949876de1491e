/**
 * The HTTP face of a replica: request parsing and validation as vLLM does it, the OpenAI wire
 * format (SSE chunks, usage, errors) and keep-alive like uvicorn's.
 */
package io.fleetlb.sim.api;
