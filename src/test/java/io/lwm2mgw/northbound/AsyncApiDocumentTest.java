package io.lwm2mgw.northbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.EndpointName;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml stays whole and in step with the code: every {@code $ref} resolves, every operation sends
 * or receives messages of its own channel, no channel message is left without an operation, and the event kinds
 * and command ops it lists are the ones the gateway publishes and accepts. (The full check against the AsyncAPI
 * 3.0 JSON Schema, examples included, is {@code scripts/validate-asyncapi.sh}.)
 */
class AsyncApiDocumentTest {

    private static JsonNode doc;

    @BeforeAll
    static void read() throws IOException {
        doc = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docs/asyncapi.yaml").toFile());
    }

    private static List<String> refs(JsonNode node, List<String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) {
                    into.add(e.getValue().asText());
                } else {
                    refs(e.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> refs(n, into));
        }
        return into;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void is_asyncapi_3_and_every_reference_resolves() {
        assertThat(doc.path("asyncapi").asText()).startsWith("3.");
        List<String> refs = refs(doc, new ArrayList<>());
        assertThat(refs).hasSizeGreaterThan(100);
        for (String ref : refs) {
            assertThat(ref).as("a local reference").startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as("%s resolves", ref).isFalse();
        }
    }

    @Test
    void operations_use_messages_of_their_own_channel_and_every_channel_message_is_used() {
        Set<String> used = new HashSet<>();
        doc.path("operations").fields().forEachRemaining(op -> {
            String channel = op.getValue().path("channel").path("$ref").asText();
            assertThat(doc.at(channel.substring(1)).isMissingNode()).as("channel of %s", op.getKey()).isFalse();
            for (JsonNode message : op.getValue().path("messages")) {
                assertThat(message.path("$ref").asText()).as("message of %s", op.getKey())
                        .startsWith(channel + "/messages/");
                used.add(message.path("$ref").asText());
            }
            for (JsonNode message : op.getValue().path("reply").path("messages")) {
                used.add(message.path("$ref").asText());
            }
        });
        doc.path("channels").fields().forEachRemaining(channel -> channel.getValue().path("messages").fieldNames()
                .forEachRemaining(m -> assertThat(used).as("an operation uses %s/%s", channel.getKey(), m)
                        .contains("#/channels/" + channel.getKey() + "/messages/" + m)));
    }

    @Test
    void lists_every_event_kind_the_gateway_publishes_with_a_message_for_each() {
        List<String> kinds = texts(doc.at("/components/parameters/kind/enum"));
        assertThat(kinds).containsExactlyInAnyOrder("registered", "updated", "deregistered", "expired", "awake",
                "sleeping", "firmware", "security", "bootstrap");
        assertThat(texts(doc.at("/components/schemas/LifecycleEventType/enum")))
                .containsExactlyInAnyOrder("lwm2m.registered", "lwm2m.updated", "lwm2m.deregistered",
                        "lwm2m.expired", "lwm2m.awake", "lwm2m.sleeping");
        for (String channel : List.of("deviceEvents", "kafkaEvents")) {
            assertThat(doc.at("/channels/" + channel + "/messages").has("securityEvent")).isTrue();
            assertThat(doc.at("/channels/" + channel + "/messages").has("bootstrapEvent")).isTrue();
        }
        assertThat(doc.at("/components/schemas/SecurityEvent/required").toString())
                .contains("identity", "reason");
    }

    @Test
    void lists_exactly_the_ops_the_command_codec_accepts() throws Exception {
        Field field = CommandCodec.class.getDeclaredField("OPS");
        field.setAccessible(true);
        @SuppressWarnings("unchecked")
        Set<String> accepted = (Set<String>) field.get(null);
        List<String> parameter = texts(doc.at("/components/parameters/op/enum"));
        List<String> document = texts(doc.at("/components/schemas/CommandDocument/properties/op/enum"));

        assertThat(parameter).containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(document).containsExactlyInAnyOrderElementsOf(accepted);
        CommandCodec codec = new CommandCodec(new ObjectMapper(), Duration.ofSeconds(30), Duration.ofHours(24));
        for (String op : parameter) {
            CommandCodec.Decoded decoded = codec.decode("{}".getBytes(StandardCharsets.UTF_8),
                    Optional.of(EndpointName.of("dev")), Optional.of(op), Optional.empty(), Instant.EPOCH);
            if (decoded instanceof CommandCodec.Decoded.Rejected rejected) {
                CommandResult result = rejected.result();
                assertThat(result.toString()).as(op).doesNotContain("unknown op");
            }
        }
    }
}
