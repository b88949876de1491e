/** The command line shared by the routers' {@code main}s, with the SIGTERM drain. */
package io.fleetlb.lb.cli;
