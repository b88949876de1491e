package io.fleetlb.sim.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PyFloatTest {

  /** Expected strings are what Python 3's prometheus_client.utils.floatToGoString prints. */
  @ParameterizedTest
  @CsvSource({
    "0.0, 0.0",
    "1.0, 1.0",
    "-1.0, -1.0",
    "0.1, 0.1",
    "0.001, 0.001",
    "0.0001, 0.0001",
    "0.00001, 1e-05",
    "9.75010481363281e-06, 9.75010481363281e-06",
    "0.0011764705882353343, 0.0011764705882353343",
    "14.040000000000001, 14.040000000000001",
    "246.0, 246.0",
    "100000.0, 100000.0",
    "999999.5, 999999.5",
    "1048576.0, 1.048576e+06",
    "4294967296.0, 4.294967296e+09",
    "1771042457.4207425, 1.7710424574207425e+09",
    "1771042382.34, 1.77104238234e+09",
    "11701968896.0, 1.1701968896e+010",
    "1e16, 1e+16",
    "1.2345678901234568e17, 1.2345678901234568e+17",
    "-1234567.0, -1234567.0",
  })
  void formatsLikePrometheusClient(double value, String expected) {
    assertThat(PyFloat.format(value)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"Infinity, +Inf", "-Infinity, -Inf", "NaN, NaN"})
  void specialValues(String value, String expected) {
    assertThat(PyFloat.format(Double.parseDouble(value))).isEqualTo(expected);
  }
}
