package io.fleetlb.lb.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void durationsParseEveryUnit() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("0.5s")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse(" 3s ")).isEqualTo(Duration.ofSeconds(3));
    for (String bad : new String[] {"", "5", "s", "-1s", "5 s", "1d", "1.s", "PT5S"}) {
      assertThatThrownBy(() -> Durations.parse(bad)).as(bad)
          .hasMessageContaining("is not a duration");
    }
  }

  @Test
  void durationsPrintInTheLargestWholeUnit() {
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThat(Durations.format(Duration.ofHours(3))).isEqualTo("3h");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void sizesParseBinaryAndDecimalUnits() {
    assertThat(DataSize.parse("1024").bytes()).isEqualTo(1024);
    assertThat(DataSize.parse("16MiB").bytes()).isEqualTo(16L << 20);
    assertThat(DataSize.parse("512 KiB").bytes()).isEqualTo(512L << 10);
    assertThat(DataSize.parse("8MB").bytes()).isEqualTo(8_000_000L);
    assertThat(DataSize.parse("1GiB").bytes()).isEqualTo(1L << 30);
    assertThat(DataSize.mib(16)).hasToString("16MiB");
    assertThatThrownBy(() -> DataSize.parse("1TB")).hasMessageContaining("is not a size");
    assertThatThrownBy(() -> DataSize.parse("99999999999999999999GiB"))
        .isInstanceOf(RuntimeException.class);
  }
}
