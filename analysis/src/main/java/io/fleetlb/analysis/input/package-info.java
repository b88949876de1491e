/**
 * The runs of an arm on disk: found below a folder, read whichever tool wrote them (bench, or an
 * import), each a {@link io.fleetlb.analysis.input.Run} with its request records and telemetry.
 */
package io.fleetlb.analysis.input;
