package io.fleetlb.lb.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.config.ApiKeyConfig;
import io.fleetlb.lb.config.AuthConfig;
import io.fleetlb.lb.testing.Keys;
import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRingTest {
  private static Authenticator auth(ApiKeyConfig... keys) {
    return Authenticator.create(new AuthConfig(List.of(keys), null, null), () -> 0L);
  }

  @Test
  void findsTheKeyWhoseHashMatchesAndNothingElse() throws Exception {
    Authenticator a = auth(new ApiKeyConfig("a", Keys.sha256("sk-a"), null, null, null),
        new ApiKeyConfig("b", Keys.sha256("sk-b").toUpperCase(), List.of("m"), 10L, null));
    assertThat(a.keys().find("sk-a").id()).isEqualTo("a");
    assertThat(a.keys().find("sk-b").id()).as("hex case does not matter").isEqualTo("b");
    assertThat(a.keys().find("sk-c")).isNull();
    assertThat(a.keys().find("")).isNull();
    assertThat(a.keys().find("sk-b").allows("m")).isTrue();
    assertThat(a.keys().find("sk-b").allows("n")).isFalse();
    assertThat(a.keys().find("sk-a").allows("anything")).isTrue();
  }

  @Test
  void readsBearerTokensAndAzureStyleApiKeys() throws Exception {
    Authenticator a = auth(new ApiKeyConfig("a", Keys.sha256("sk-a"), null, null, null));
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    assertThat(a.authenticate(h).problem()).isEqualTo(Authenticator.Problem.MISSING);
    h.set("Authorization", "bearer  sk-a ");
    assertThat(a.authenticate(h).key().id()).isEqualTo("a");
    h.set("Authorization", "Basic c2s6YQ==");
    assertThat(a.authenticate(h).problem()).isEqualTo(Authenticator.Problem.MISSING);
    h.set("api-key", "sk-a");
    assertThat(a.authenticate(h).key().id()).isEqualTo("a");
    h.clear().set("Authorization", "Bearer sk-wrong");
    assertThat(a.authenticate(h).problem()).isEqualTo(Authenticator.Problem.INVALID);
    h.set("Authorization", "Bearer " + "x".repeat(5000));
    assertThat(a.authenticate(h).problem()).isEqualTo(Authenticator.Problem.INVALID);
  }
}
