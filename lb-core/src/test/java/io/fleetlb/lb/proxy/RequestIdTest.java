package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdTest {
  @Test
  void aNewRequestIdIs32LowerCaseHexDigitsAndNeverRepeats() {
    Set<String> seen = new HashSet<>();
    boolean leadingZero = false;
    for (int i = 0; i < 20_000; i++) {
      String id = Exchange.newRequestId();
      assertThat(id).matches("[0-9a-f]{32}");
      leadingZero |= id.charAt(0) == '0' || id.charAt(16) == '0';
      assertThat(seen.add(id)).isTrue();
    }
    // Both halves are zero-padded to 16 digits (a random long starts with 0 one time in 16).
    assertThat(leadingZero).isTrue();
  }
}
