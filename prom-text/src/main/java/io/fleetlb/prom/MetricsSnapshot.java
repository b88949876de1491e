package io.fleetlb.prom;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One parsed exposition, immutable: every sample in input order, the metric families, and the
 * lookups and sums a metrics-driven router needs (e.g. {@code vllm:num_requests_running} summed
 * across vLLM's {@code engine} label).
 */
public final class MetricsSnapshot {

    private final List<Sample> samples;
    private final Map<String, MetricFamily> families;
    private final Map<String, List<Sample>> byName;
    private final Map<String, MetricFamily> familyOfSample;
    private final boolean openMetrics;

    MetricsSnapshot(List<Sample> samples, Map<String, MetricFamily> families, Map<String, List<Sample>> byName,
                    Map<String, MetricFamily> familyOfSample, boolean openMetrics) {
        this.samples = Collections.unmodifiableList(samples);
        this.families = Collections.unmodifiableMap(families);
        byName.replaceAll((name, list) -> Collections.unmodifiableList(list));
        this.byName = Collections.unmodifiableMap(byName);
        this.familyOfSample = Collections.unmodifiableMap(familyOfSample);
        this.openMetrics = openMetrics;
    }

    /** Every sample, in input order. */
    public List<Sample> samples() {
        return samples;
    }

    /** The samples with exactly this name (e.g. {@code x_bucket}), in input order; empty when none. */
    public List<Sample> samples(String name) {
        return byName.getOrDefault(name, List.of());
    }

    /** Whether at least one sample has exactly this name. */
    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** The distinct sample names, e.g. to report which expected series an endpoint lacks. */
    public Collection<String> sampleNames() {
        return byName.keySet();
    }

    /** Every family, in the order its first line appeared. */
    public Collection<MetricFamily> families() {
        return families.values();
    }

    /**
     * The family with this name, or else the family a sample of this name belongs to: {@code x_bucket},
     * {@code x_sum}, {@code x_count}, {@code x_total}, {@code x_created} resolve to {@code x} when x's
     * TYPE allows that suffix.
     */
    public Optional<MetricFamily> family(String name) {
        MetricFamily f = families.get(name);
        return Optional.ofNullable(f != null ? f : familyOfSample.get(name));
    }

    /** The declared type of {@link #family(String)}, {@link MetricType#UNKNOWN} when undeclared or absent. */
    public MetricType type(String name) {
        return family(name).map(MetricFamily::type).orElse(MetricType.UNKNOWN);
    }

    /** The HELP text of {@link #family(String)}, empty when absent or blank. */
    public Optional<String> help(String name) {
        return family(name).map(MetricFamily::help).filter(h -> !h.isEmpty());
    }

    /** Whether the input was OpenMetrics (it ended with {@code # EOF}); then timestamps were seconds. */
    public boolean isOpenMetrics() {
        return openMetrics;
    }

    /** The sum over every label set of the samples with this name, NaN values skipped; 0.0 when there are none. */
    public double sum(String name) {
        return sumOf(name).orElse(0.0);
    }

    /** The sum over every label set of the samples with this name, NaN values skipped; empty when none remain. */
    public OptionalDouble sumOf(String name) {
        return sum(samples(name), null, null);
    }

    /**
     * The sum over the samples with this name whose label {@code labelName} equals {@code labelValue},
     * e.g. {@code sumOf("vllm:num_requests_running", "model_name", model)} across engines; NaN values
     * skipped; empty when none remain.
     */
    public OptionalDouble sumOf(String name, String labelName, String labelValue) {
        return sum(samples(name), Objects.requireNonNull(labelName, "labelName"),
                Objects.requireNonNull(labelValue, "labelValue"));
    }

    private static OptionalDouble sum(List<Sample> list, String labelName, String labelValue) {
        double total = 0;
        boolean any = false;
        for (Sample s : list) {
            if (!Double.isNaN(s.value()) && (labelName == null || labelValue.equals(s.labels().get(labelName)))) {
                total += s.value();
                any = true;
            }
        }
        return any ? OptionalDouble.of(total) : OptionalDouble.empty();
    }

    @Override
    public String toString() {
        return "MetricsSnapshot[" + samples.size() + " samples, " + families.size() + " families"
                + (openMetrics ? ", OpenMetrics]" : "]");
    }
}
