/**
 * lb-core, the proxy engine both routers share. Start a router with
 * {@link io.fleetlb.lb.Router#builder}; stop it with {@link io.fleetlb.lb.RunningRouter#drain}.
 */
package io.fleetlb.lb;
