package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResetFormatTest {
  @Test
  void writesDurationsAsOpenAiDoes() {
    assertThat(ResetFormat.format(0)).isEqualTo("0s");
    assertThat(ResetFormat.format(16_200_000L)).isEqualTo("17ms");
    assertThat(ResetFormat.format(1_000_000_000L)).isEqualTo("1s");
    assertThat(ResetFormat.format(1_500_000_000L)).isEqualTo("1.5s");
    assertThat(ResetFormat.format(360_000_000_000L)).isEqualTo("6m0s");
    assertThat(ResetFormat.format(61_250_000_000L)).isEqualTo("1m1.25s");
  }
}
