package io.fleetlb.prom;

import java.util.List;
import java.util.Objects;

/**
 * A metric family: the metadata its {@code # HELP}, {@code # TYPE} and {@code # UNIT} lines declared and
 * the samples that belong to it (for a histogram {@code x}: {@code x_bucket}, {@code x_sum},
 * {@code x_count}, and {@code x_created} where the format puts it in the family).
 *
 * @param name    the family name as the metadata lines spell it (or the sample name for an undeclared family)
 * @param type    the declared type, {@link MetricType#UNKNOWN} when there was no TYPE line
 * @param help    the unescaped HELP text, empty when there was none
 * @param unit    the OpenMetrics UNIT, empty when there was none
 * @param samples the family's samples in input order (immutable)
 */
public record MetricFamily(String name, MetricType type, String help, String unit, List<Sample> samples) {

    public MetricFamily {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(unit, "unit");
        samples = List.copyOf(samples);
    }
}
