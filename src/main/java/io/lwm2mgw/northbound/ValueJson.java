package io.lwm2mgw.northbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lwm2mgw.domain.device.ResourceValue;
import java.util.Base64;

/** The contract's JSON form of each LwM2M value type. */
public final class ValueJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ValueJson() {
    }

    public static JsonNode toJson(ResourceValue value) {
        if (value instanceof ResourceValue.IntegerValue v) {
            return JSON.numberNode(v.value());
        } else if (value instanceof ResourceValue.UnsignedValue v) {
            return JSON.numberNode(v.value());
        } else if (value instanceof ResourceValue.FloatValue v) {
            // JSON has no NaN or infinity: keep them readable instead of emitting invalid JSON
            return Double.isFinite(v.value()) ? JSON.numberNode(v.value()) : JSON.textNode(Double.toString(v.value()));
        } else if (value instanceof ResourceValue.BooleanValue v) {
            return JSON.booleanNode(v.value());
        } else if (value instanceof ResourceValue.StringValue v) {
            return JSON.textNode(v.value());
        } else if (value instanceof ResourceValue.OpaqueValue v) {
            return JSON.textNode(Base64.getEncoder().encodeToString(v.value()));
        } else if (value instanceof ResourceValue.TimeValue v) {
            return JSON.numberNode(v.value().getEpochSecond());
        } else if (value instanceof ResourceValue.ObjlnkValue v) {
            return JSON.textNode(v.value().toString());
        }
        throw new IllegalArgumentException("unknown value type " + value);
    }
}
