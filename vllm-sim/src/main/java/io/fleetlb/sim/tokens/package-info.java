/**
 * Tokens without a model tokenizer: the documented counting rule (so a client can build a prompt of
 * an exact token count), the deterministic generated text, and how long an answer is when it does
 * not ignore EOS.
 */
package io.fleetlb.sim.tokens;
