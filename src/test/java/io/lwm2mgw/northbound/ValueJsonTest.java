package io.lwm2mgw.northbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.domain.device.ObjectLink;
import io.lwm2mgw.domain.device.ResourceValue;
import java.math.BigInteger;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ValueJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void integer_is_a_json_number() {
        assertThat(written(new ResourceValue.IntegerValue(Long.MIN_VALUE))).isEqualTo("-9223372036854775808");
    }

    @Test
    void unsigned_beyond_long_max_stays_an_exact_json_number() {
        JsonNode node = ValueJson.toJson(new ResourceValue.UnsignedValue(new BigInteger("18446744073709551615")));

        assertThat(node.isIntegralNumber()).isTrue();
        assertThat(node.bigIntegerValue()).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(written(new ResourceValue.UnsignedValue(new BigInteger("18446744073709551615"))))
                .isEqualTo("18446744073709551615");
    }

    @Test
    void float_is_a_json_number() {
        JsonNode node = ValueJson.toJson(new ResourceValue.FloatValue(-21.5));

        assertThat(node.isNumber()).isTrue();
        assertThat(node.doubleValue()).isEqualTo(-21.5);
    }

    @Test
    void nan_and_infinities_become_strings_so_the_document_stays_valid_json() throws JsonProcessingException {
        assertThat(ValueJson.toJson(new ResourceValue.FloatValue(Double.NaN)).textValue()).isEqualTo("NaN");
        assertThat(ValueJson.toJson(new ResourceValue.FloatValue(Double.POSITIVE_INFINITY)).textValue())
                .isEqualTo("Infinity");
        assertThat(ValueJson.toJson(new ResourceValue.FloatValue(Double.NEGATIVE_INFINITY)).textValue())
                .isEqualTo("-Infinity");
        assertThat(mapper.readTree(written(new ResourceValue.FloatValue(Double.NaN))).isTextual()).isTrue();
    }

    @Test
    void boolean_is_a_json_boolean() {
        assertThat(ValueJson.toJson(new ResourceValue.BooleanValue(false)).isBoolean()).isTrue();
        assertThat(written(new ResourceValue.BooleanValue(true))).isEqualTo("true");
    }

    @Test
    void string_is_a_json_string() {
        assertThat(ValueJson.toJson(new ResourceValue.StringValue("läm \"1\"")).textValue()).isEqualTo("läm \"1\"");
    }

    @Test
    void opaque_is_standard_base64_with_padding() {
        assertThat(ValueJson.toJson(new ResourceValue.OpaqueValue(new byte[] {0, 1, 2, (byte) 0xff})).textValue())
                .isEqualTo("AAEC/w==");
        assertThat(ValueJson.toJson(new ResourceValue.OpaqueValue(new byte[0])).textValue()).isEmpty();
    }

    @Test
    void time_is_whole_seconds_since_the_epoch() {
        JsonNode node = ValueJson.toJson(new ResourceValue.TimeValue(Instant.parse("2023-11-14T22:13:20.999Z")));

        assertThat(node.isIntegralNumber()).isTrue();
        assertThat(node.longValue()).isEqualTo(1_700_000_000L);
    }

    @Test
    void objlnk_is_object_colon_instance() {
        assertThat(ValueJson.toJson(new ResourceValue.ObjlnkValue(new ObjectLink(3, 0))).textValue()).isEqualTo("3:0");
        assertThat(ValueJson.toJson(new ResourceValue.ObjlnkValue(new ObjectLink(65535, 65535))).textValue())
                .isEqualTo("65535:65535");
    }

    private String written(ResourceValue value) {
        try {
            return mapper.writeValueAsString(ValueJson.toJson(value));
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
