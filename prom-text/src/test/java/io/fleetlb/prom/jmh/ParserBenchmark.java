package io.fleetlb.prom.jmh;

import io.fleetlb.prom.MetricsSnapshot;
import io.fleetlb.prom.PrometheusParseException;
import io.fleetlb.prom.PrometheusText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one scrape parse, what the queue-aware router pays per replica every 250 ms. Built and run
 * only with {@code -Pjmh}; the command and the recorded figures are in docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParserBenchmark {

    private String v1;
    private byte[] v1Bytes;
    private String v0;

    @Setup
    public void load() throws IOException {
        v1Bytes = resource("vllm-metrics-v1.txt");
        v1 = new String(v1Bytes, StandardCharsets.UTF_8);
        v0 = new String(resource("vllm-metrics-v0.6.txt"), StandardCharsets.UTF_8);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ParserBenchmark.class.getResourceAsStream("/captures/" + name)) {
            return in.readAllBytes();
        }
    }

    /** The full 46 KB, 360-sample vLLM V1 scrape. */
    @Benchmark
    public MetricsSnapshot vllmV1() throws PrometheusParseException {
        return PrometheusText.parse(v1);
    }

    /** The same scrape from raw bytes with strict UTF-8 decoding, as an HTTP client hands it over. */
    @Benchmark
    public MetricsSnapshot vllmV1Utf8() throws PrometheusParseException {
        return PrometheusText.parseUtf8(v1Bytes);
    }

    /** The router's whole read of one scrape: parse plus the three sums it needs. */
    @Benchmark
    public double vllmV1RouterRead() throws PrometheusParseException {
        MetricsSnapshot m = PrometheusText.parse(v1);
        return m.sum("vllm:num_requests_running") + m.sum("vllm:num_requests_waiting")
                + m.sumOf("vllm:kv_cache_usage_perc").orElse(m.sum("vllm:gpu_cache_usage_perc"));
    }

    /** The 4 KB vLLM V0 multiprocess scrape. */
    @Benchmark
    public MetricsSnapshot vllmV0() throws PrometheusParseException {
        return PrometheusText.parse(v0);
    }
}
