package io.fleetlb.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;

/** vLLM's way of writing an unbounded rate: the string {@code "inf"} where a number would be. */
final class InfNumber {
  private InfNumber() {}

  /** Writes infinity as {@code "inf"}, other values as numbers. */
  static final class Writer extends JsonSerializer<Double> {
    @Override
    public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
      if (v.isInfinite()) {
        g.writeString("inf");
      } else {
        g.writeNumber(v);
      }
    }
  }

  /** Reads {@code "inf"} (any case) as infinity, numbers as numbers. */
  static final class Reader extends JsonDeserializer<Double> {
    @Override
    public Double deserialize(JsonParser p, DeserializationContext c) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        String t = p.getText().trim();
        if (t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("infinity")) {
          return Double.POSITIVE_INFINITY;
        }
        try {
          return Double.parseDouble(t);
        } catch (NumberFormatException e) {
          return (Double) c.handleWeirdStringValue(Double.class, t, "not a number or \"inf\"");
        }
      }
      return p.getDoubleValue();
    }
  }
}
