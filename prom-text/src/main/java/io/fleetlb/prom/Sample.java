package io.fleetlb.prom;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One sample line: its name, label set, value and optional timestamp.
 *
 * <p>Equality compares values the way {@link Double#compare} does, so {@code NaN} equals {@code NaN}
 * and {@code 0.0} differs from {@code -0.0}.
 *
 * @param name            the sample name as written, e.g. {@code vllm:e2e_request_latency_seconds_bucket}
 * @param labels          the label set; equality ignores the order the labels were written in
 * @param value           the value; {@code NaN} and the infinities are legal
 * @param timestampMillis milliseconds since the epoch when the line carried a timestamp (OpenMetrics
 *                        float seconds are converted, rounded to the nearest millisecond)
 */
public record Sample(String name, Labels labels, double value, OptionalLong timestampMillis) {

    public Sample {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(timestampMillis, "timestampMillis");
    }

    public Sample(String name, Labels labels, double value) {
        this(name, labels, value, OptionalLong.empty());
    }

    /** The value of one label, or {@code null} when the sample does not carry it. */
    public String label(String labelName) {
        return labels.get(labelName);
    }

    @Override
    public String toString() {
        String ts = timestampMillis.isPresent() ? " " + timestampMillis.getAsLong() : "";
        return name + labels + " " + Numbers.format(value) + ts;
    }
}
