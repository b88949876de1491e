package io.fleetlb.lb.queueaware.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetlb.lb.config.ConfigException;
import io.fleetlb.lb.config.DataSize;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.queueaware.QueueAware;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code scrape:} and {@code policy:} sections: defaults, and one clear line per mistake. */
class QueueAwareConfigTest {
  private static final String REPLICAS = "replicas:\n  - { id: a, url: \"http://h:1\", model: m }\n";

  private static RouterConfig parse(String sections) {
    return QueueAware.configLoader().parse(REPLICAS + sections, "r.yaml");
  }

  @Test
  void absentSectionsMeanTheDefaults() {
    RouterConfig c = parse("");
    ScrapeConfig s = QueueAware.scrape(c);
    assertThat(s).isEqualTo(ScrapeConfig.DEFAULT);
    assertThat(s.interval()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.jitter()).isEqualTo(0.1);
    assertThat(s.timeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(s.staleAfter()).as("4 intervals").isEqualTo(Duration.ofSeconds(1));
    assertThat(s.maxBody()).isEqualTo(DataSize.mib(1));
    assertThat(s.path()).isEqualTo("/metrics");
    assertThat(QueueAware.policy(c)).isEqualTo(new PolicyConfig(4.0, 10.0, 0.8, 100.0, 1.0));
    PolicyConfig p = QueueAware.policy(c);
    assertThat(p.mode()).isEqualTo("queue-aware");
    assertThat(p.prefixWeight()).as("prefix affinity off").isZero();
    assertThat(p.prefixAware()).isFalse();
    assertThat(p.prefixBlockChars()).isEqualTo(256);
    assertThat(p.prefixIndexMaxBlocks()).isEqualTo(65536);
    assertThat(p.prefixTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.prefixBalanceAbs()).isEqualTo(16);
    assertThat(p.prefixBalanceRel()).isEqualTo(1.5);
    assertThat(p.oracleTimeout()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void thePrefixAndOracleKeysAreRead() {
    PolicyConfig p = QueueAware.policy(parse("policy: { mode: oracle, prefix_weight: 0.5,"
        + " prefix_block_chars: 128, prefix_index_max_blocks: 4096, prefix_ttl: 30s,"
        + " prefix_balance_abs: 4, prefix_balance_rel: 2, oracle_timeout: 50ms }\n"));
    assertThat(p).isEqualTo(new PolicyConfig(null, null, null, null, null, null, "oracle", 0.5,
        128, 4096, Duration.ofSeconds(30), 4.0, 2.0, Duration.ofMillis(50)));
    assertThat(p.prefixAware()).isTrue();
  }

  @Test
  void everyKeyIsRead() {
    RouterConfig c = parse("scrape: { interval: 100ms, jitter: 0, timeout: 80ms, stale_after: 3s,"
        + " max_body: 256KiB, path: /prefix/metrics }\n"
        + "policy: { waiting_weight: 2, prefill_weight: 0.5, kv_threshold: 0.9, kv_weight: 0,"
        + " tie_band: 0 }\n");
    assertThat(QueueAware.scrape(c)).isEqualTo(new ScrapeConfig(Duration.ofMillis(100), 0.0,
        Duration.ofMillis(80), Duration.ofSeconds(3), DataSize.kib(256), "/prefix/metrics"));
    assertThat(QueueAware.policy(c)).isEqualTo(new PolicyConfig(2.0, 0.5, 0.9, 0.0, 0.0));
    assertThat(QueueAware.scrape(parse("scrape: { interval: 2s }\n")).staleAfter())
        .as("stale_after follows the interval").isEqualTo(Duration.ofSeconds(8));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "scrape: { interval: 5ms }|scrape.interval: must be between 10ms and 1h (got 5ms)",
      "scrape: { interval: fast }|scrape.interval: \"fast\" is not a duration (use a number and a"
          + " unit: 250ms, 5s, 2m, 1h)",
      "scrape: { jitter: 0.9 }|scrape.jitter: must be between 0 and 0.5 (got 0.9)",
      "scrape: { timeout: 2s }|scrape.timeout: must be shorter than stale_after (1s) (got 2s)",
      "scrape: { stale_after: 100ms }|scrape.timeout: must be shorter than stale_after (100ms) "
          + "(got 200ms)",
      "scrape: { interval: 1s, stale_after: 1s, timeout: 100ms }|scrape.stale_after: must be "
          + "longer than interval (1s) (got 1s)",
      "scrape: { max_body: 10 }|scrape.max_body: must be between 1KiB and 64MiB (got 10B)",
      "scrape: { path: metrics }|scrape.path: must start with / (got \"metrics\")",
      "scrape: { intervall: 1s }|scrape.intervall: unknown key (expected one of: interval, "
          + "jitter, max_body, path, stale_after, timeout)",
      "policy: { kv_threshold: 1 }|policy.kv_threshold: must be at least 0 and below 1 (got 1.0)",
      "policy: { tie_band: -1 }|policy.tie_band: must be between 0 and 1000000 (got -1.0)",
      "policy: { waiting_weight: \"4\" }|policy.waiting_weight: expected a number (got \"4\")",
      "policy: [1, 2]|policy: must be a mapping (got [1,2])",
      "policy: { mode: best }|policy.mode: must be queue-aware or oracle (got \"best\")",
      "policy: { prefix_weight: -1 }|policy.prefix_weight: must be between 0 and 100 (got -1.0)",
      "policy: { prefix_block_chars: 8 }|policy.prefix_block_chars: must be between 16 and 65536"
          + " (got 8)",
      "policy: { prefix_index_max_blocks: 10 }|policy.prefix_index_max_blocks: must be between"
          + " 1024 and 67108864 (got 10)",
      "policy: { prefix_ttl: 0s }|policy.prefix_ttl: must be between 1s and 24h (got 0s)",
      "policy: { prefix_balance_abs: -2 }|policy.prefix_balance_abs: must be between 0 and"
          + " 1000000 (got -2.0)",
      "policy: { prefix_balance_rel: 0.5 }|policy.prefix_balance_rel: must be between 1 and"
          + " 1000000 (got 0.5)",
      "policy: { oracle_timeout: 1m }|policy.oracle_timeout: must be between 1ms and 10s"
          + " (got 1m)",
      "policy: { prefix_block_chars: 1.5 }|policy.prefix_block_chars: expected"})
  void aMistakeIsOneLineNamingTheFileTheFieldAndTheValue(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml + "\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("r.yaml: " + message);
  }
}
