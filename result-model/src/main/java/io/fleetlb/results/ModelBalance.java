package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * How evenly one model's requests were spread over its replicas: each replica's share of the
 * attributed requests, Jain's fairness index (1 = even, 1/n = all on one) and the coefficient of
 * variation of the counts (null when no replica is known).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"requests", "unattributed", "replicas", "shares", "jainIndex", "cv"})
public record ModelBalance(
    int requests,
    int unattributed,
    int replicas,
    Map<String, Double> shares,
    Double jainIndex,
    Double cv) {}
