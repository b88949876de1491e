package io.fleetlb.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void everyUnitParsesExactly() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("0.5s")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("60us")).isEqualTo(Duration.ofNanos(60_000));
    assertThat(Durations.parse("60µs")).isEqualTo(Duration.ofNanos(60_000));
    assertThat(Durations.parse("7ns")).isEqualTo(Duration.ofNanos(7));
    assertThat(Durations.parse("0s")).isEqualTo(Duration.ZERO);
    assertThat(Durations.parse(" 3s ")).isEqualTo(Duration.ofSeconds(3));
    assertThat(Durations.parseNanos("1.0000005ms"))
        .isEqualTo(1_000_001L); // rounded to the nanosecond
  }

  @Test
  void anythingElseIsRefusedWithTheAcceptedForms() {
    for (String bad :
        new String[] {"", "s", "-1s", "5 s", "1d", "1.s", ".5s", "PT5S", "5sec", "1e3ms"}) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .as(bad)
          .hasMessage(
              "\"" + bad + "\" is not a duration (use a number and a unit: 250ms, 5s, 2m, 1h)");
    }
    assertThatThrownBy(() -> Durations.parse(null)).hasMessageContaining("is not a duration");
    assertThatThrownBy(() -> Durations.parse("99999999999h")).hasMessageContaining("too long");
  }

  @Test
  void aBareNumberIsRefusedWithTheUnitsItCouldHaveMeant() {
    assertThatThrownBy(() -> Durations.parse("5"))
        .hasMessage(
            "\"5\" is not a duration (use a number and a unit: 250ms, 5s, 2m, 1h;"
                + " a bare number has no unit: write 5s or 5ms)");
    assertThatThrownBy(() -> Durations.parse("0")).hasMessageContaining("write 0s or 0ms");
  }

  @Test
  void formatPrintsTheLargestWholeUnitAndParsesBack() {
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThat(Durations.format(Duration.ofHours(3))).isEqualTo("3h");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.format(Duration.ofNanos(60_000))).isEqualTo("60us");
    assertThat(Durations.format(Duration.ofNanos(1_500))).isEqualTo("1500ns");
    for (long ns : new long[] {0, 7, 60_000, 1_500_000, 2_000_000_000L, 7_200_000_000_000L}) {
      assertThat(Durations.parse(Durations.format(Duration.ofNanos(ns))).toNanos()).isEqualTo(ns);
    }
  }
}
