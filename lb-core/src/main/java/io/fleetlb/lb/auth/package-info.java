/**
 * Client authentication and per-key rate limits: API keys checked in constant time against their
 * SHA-256 hashes ({@link io.fleetlb.lb.auth.KeyRing}), token buckets for requests and tokens per
 * minute ({@link io.fleetlb.lb.auth.TokenBucket}), and the key list that can be re-read from a
 * file while the router runs ({@link io.fleetlb.lb.auth.Authenticator}).
 */
package io.fleetlb.lb.auth;
