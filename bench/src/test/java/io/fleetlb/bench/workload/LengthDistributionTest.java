package io.fleetlb.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LengthDistributionTest {
  @Test
  void parsesEveryFormAndRoundTripsCanonically() {
    for (String s :
        new String[] {
          "fixed(128)",
          "uniform(64,256)",
          "normal(512,100)",
          "lognormal(200,1.0,max=4096)",
          "lognormal(200,0.5,min=10,max=300)"
        }) {
      LengthDistribution d = LengthDistribution.parse(s);
      assertThat(LengthDistribution.parse(d.canonical())).isEqualTo(d);
    }
    assertThat(LengthDistribution.parse("42")).isEqualTo(new LengthDistribution.Fixed(42));
    assertThat(LengthDistribution.parse("lognormal(median=200, sigma=1, max=4096)"))
        .isEqualTo(new LengthDistribution.LogNormal(200, 1, 1, 4096));
  }

  @Test
  void lognormalHasItsMedianAndRespectsTheCap() {
    LengthDistribution d = LengthDistribution.parse("lognormal(200,1.0,max=1000)");
    Rng rng = new Rng(1, "t");
    int[] v = new int[20_001];
    for (int i = 0; i < v.length; i++) {
      v[i] = d.sample(rng);
    }
    Arrays.sort(v);
    assertThat(v[v.length / 2]).isBetween(192, 208);
    assertThat(v[v.length - 1]).isEqualTo(1000); // P(x > 1000) = P(Z > 1.61) ~ 5%: the cap is hit
    assertThat(v[0]).isGreaterThanOrEqualTo(1);
  }

  @Test
  void uniformIsInclusiveAndNormalHasItsMean() {
    Rng rng = new Rng(2, "t");
    LengthDistribution u = LengthDistribution.parse("uniform(3,5)");
    boolean[] seen = new boolean[6];
    for (int i = 0; i < 1000; i++) {
      seen[u.sample(rng)] = true;
    }
    assertThat(seen[3] && seen[4] && seen[5]).isTrue();
    LengthDistribution n = LengthDistribution.parse("normal(500,50)");
    double sum = 0;
    for (int i = 0; i < 20_000; i++) {
      sum += n.sample(rng);
    }
    assertThat(sum / 20_000).isCloseTo(500, within(1.5));
  }

  @Test
  void errorsNameTheProblem() {
    assertThatThrownBy(() -> LengthDistribution.parse("pareto(1,2)"))
        .hasMessageContaining("unknown distribution 'pareto'");
    assertThatThrownBy(() -> LengthDistribution.parse("normal(500)"))
        .hasMessageContaining("missing argument 'stddev'");
    assertThatThrownBy(() -> LengthDistribution.parse("uniform(5,3)"))
        .hasMessageContaining("1 <= min <= max");
    assertThatThrownBy(() -> LengthDistribution.parse("lognormal(x,1)"))
        .hasMessageContaining("'x' is not a number");
    assertThatThrownBy(() -> LengthDistribution.parse("banana"))
        .hasMessageContaining("is not a length distribution");
    assertThatThrownBy(() -> LengthDistribution.parse("fixed(0)")).hasMessageContaining(">= 1");
  }

  @Test
  void classesAndModelsParse() {
    RequestClass c =
        RequestClass.parse("long-decode:0.2:input=fixed(128):output=lognormal(800,0.8,max=4096)");
    assertThat(c.name()).isEqualTo("long-decode");
    assertThat(c.weight()).isEqualTo(0.2);
    assertThat(c.output()).isEqualTo(new LengthDistribution.LogNormal(800, 0.8, 1, 4096));
    assertThat(RequestClass.parse(c.canonical())).isEqualTo(c);
    assertThatThrownBy(() -> RequestClass.parse("x:1:input=fixed(1)"))
        .hasMessageContaining("NAME:WEIGHT:input=DIST:output=DIST");
    assertThatThrownBy(() -> RequestClass.parse("x:-1:input=1:output=1"))
        .hasMessageContaining("weight must be > 0");
    assertThat(ModelShare.parse("meta-llama/Llama-3.1-8B-Instruct=3").weight()).isEqualTo(3);
    assertThat(ModelShare.parse("Qwen/Qwen2.5-7B-Instruct").weight()).isEqualTo(1);
    assertThatThrownBy(() -> ModelShare.parse("m=abc"))
        .hasMessageContaining("weight 'abc' is not a number");
  }

  @Test
  void weightedChoiceFollowsWeights() {
    WeightedChoice<String> c =
        new WeightedChoice<>(java.util.List.of("a", "b"), s -> s.equals("a") ? 3 : 1);
    Rng rng = new Rng(5, "t");
    int a = 0;
    for (int i = 0; i < 40_000; i++) {
      a += c.pick(rng).equals("a") ? 1 : 0;
    }
    assertThat(a / 40_000.0).isCloseTo(0.75, within(0.01));
  }

  @Test
  void simTokensFollowTheSimulatorRule() {
    assertThat(SimTokens.count("")).isZero();
    assertThat(SimTokens.count("one two  three")).isEqualTo(3);
    assertThat(SimTokens.count("abcdefghijklmnopq")).isEqualTo(2); // 17 characters
    assertThat(SimTokens.count(PromptText.words(250, new Rng(0, "t")))).isEqualTo(250);
  }
}
