package io.fleetlb.lb.pool;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The model list the router answers on {@code GET /v1/models}: one OpenAI model card per
 * configured model, in configuration order. A card starts as a minimal one made by the router and
 * is replaced by the card a replica of that model reports (with {@code max_model_len} and the
 * other fields vLLM adds) once the health prober has fetched it.
 */
public final class ModelCatalog {
  private final Supplier<List<String>> models;
  private final long created;
  private final Map<String, JsonObject> cards = new ConcurrentHashMap<>();

  /**
   * Creates the catalog.
   *
   * @param models the served models now, in order (they change as replicas join and leave)
   * @param createdEpochSeconds the {@code created} value of router-made cards
   */
  public ModelCatalog(Supplier<List<String>> models, long createdEpochSeconds) {
    this.models = models;
    this.created = createdEpochSeconds;
  }

  /** Whether no replica-reported card is known for the model yet. */
  public boolean needsCard(String model) {
    return !cards.containsKey(model);
  }

  /**
   * Takes the card for {@code model} from a replica's {@code /v1/models} answer, if it has one.
   * Cards for other names (LoRA adapters, other models) are ignored: the router only routes the
   * configured names.
   */
  public void offer(String model, JsonObject modelsResponse) {
    JsonArray data = modelsResponse == null ? null : modelsResponse.getJsonArray("data");
    if (data == null) {
      return;
    }
    for (int i = 0; i < data.size(); i++) {
      Object o = data.getValue(i);
      if (o instanceof JsonObject card && model.equals(card.getString("id"))) {
        cards.put(model, card.copy());
        return;
      }
    }
  }

  /** The {@code /v1/models} response body. */
  public Buffer render() {
    return render(m -> true);
  }

  /** The {@code /v1/models} response body listing only the models {@code visible} accepts. */
  public Buffer render(java.util.function.Predicate<String> visible) {
    JsonArray data = new JsonArray();
    for (String m : models.get()) {
      if (!visible.test(m)) {
        continue;
      }
      JsonObject card = cards.get(m);
      data.add(card != null ? card : new JsonObject()
          .put("id", m).put("object", "model").put("created", created)
          .put("owned_by", "fleetlb").put("root", m).putNull("parent"));
    }
    return new JsonObject().put("object", "list").put("data", data).toBuffer();
  }
}
