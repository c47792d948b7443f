package io.lwm2mgw.northbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.device.EndpointName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the command plane's parsers: whatever an application publishes, {@link CommandCodec#decode} yields
 * exactly one verdict (accepted, or rejected as {@code invalid}) and {@link TopicScheme#parseCommand} never
 * throws. Long run: {@code ./mvnw -B -ntp test -Dtest='*FuzzTest' -Djqwik.tries=200000}.
 */
class CommandParserFuzzTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final List<String> SEEDS = List.of(
            "{\"id\":\"c-1\",\"path\":\"/3/0\"}",
            "{\"path\":\"/3311/0/5851\",\"value\":40,\"timeout\":5}",
            "{\"path\":\"/3311/0\",\"mode\":\"update\",\"values\":{\"/3311/0/5850\":true,\"/3311/0/5851\":80}}",
            "{\"path\":\"/3303/0/5700\",\"attributes\":{\"pmin\":10,\"pmax\":60,\"gt\":30.5,\"st\":null}}",
            "{\"path\":\"/3/0/4\",\"args\":\"0='now',1\",\"ttl\":60,\"format\":\"tlv\"}",
            "{\"endpoint\":\"lamp-1\",\"op\":\"create\",\"path\":\"/3311\",\"values\":{\"5850\":true}}");
    private static final List<String> OPS = List.of("read", "write", "write-attributes", "execute", "create",
            "delete", "discover", "observe", "cancel-observe", "bogus", "");

    private final CommandCodec codec = new CommandCodec(new ObjectMapper(), Duration.ofSeconds(30),
            Duration.ofHours(24));
    private final TopicScheme topics = new TopicScheme("lwm2m");

    @Property
    void every_document_gets_exactly_one_verdict(@ForAll("documents") String document, @ForAll("ops") String op,
            @ForAll boolean fromKafka) {
        Optional<EndpointName> endpoint = fromKafka ? Optional.empty() : Optional.of(EndpointName.of("lamp-1"));
        Optional<String> topicOp = fromKafka ? Optional.empty() : Optional.of(op);

        CommandCodec.Decoded decoded = codec.decode(document.getBytes(StandardCharsets.UTF_8), endpoint, topicOp,
                Optional.empty(), NOW);

        assertThat(decoded).isNotNull();
        if (decoded instanceof CommandCodec.Decoded.Rejected rejected) {
            assertThat(rejected.result().status()).isEqualTo(CommandStatus.INVALID);
        }
    }

    @Property
    void any_topic_parses_or_is_ignored_and_command_topics_round_trip(@ForAll("topicsToParse") String topic,
            @ForAll("endpoints") String endpoint, @ForAll("ops") String op) {
        assertThat(topics.parseCommand(topic)).isNotNull();
        assertThat(topics.parseData(topic)).isNotNull();
        if (!op.isEmpty()) {
            String built = topics.command(EndpointName.of(endpoint), op);
            assertThat(topics.parseCommand(built)).hasValueSatisfying(parsed -> {
                assertThat(parsed.endpoint().value()).isEqualTo(endpoint);
                assertThat(parsed.op()).isEqualTo(op);
            });
        }
    }

    @Provide
    Arbitrary<String> ops() {
        return Arbitraries.of(OPS);
    }

    @Provide
    Arbitrary<String> endpoints() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(30)
                .withChars("abc-_:/%+#éü0123456789 ").filter(s -> !s.isBlank());
    }

    @Provide
    Arbitrary<String> topicsToParse() {
        Arbitrary<String> level = Arbitraries.oneOf(Arbitraries.of("lwm2m", "commands", "data", "", "+", "#",
                "%2F", "%", "%zz", "3", "0"), Arbitraries.strings().ofMaxLength(8));
        return level.list().ofMaxSize(6).map(levels -> String.join("/", levels));
    }

    /** Random text, and the documented examples with characters deleted, replaced or inserted. */
    @Provide
    Arbitrary<String> documents() {
        Arbitrary<String> random = Arbitraries.strings().ofMaxLength(80);
        Arbitrary<String> mutated = Combinators.combine(Arbitraries.of(SEEDS),
                Arbitraries.integers().between(0, 1000).list().ofMinSize(1).ofMaxSize(5),
                Arbitraries.strings().withChars("{}[]\":,0123456789.-eE/ntfrul\\").ofMinLength(1).ofMaxLength(5))
                .as((seed, positions, chars) -> {
                    StringBuilder text = new StringBuilder(seed);
                    for (int i = 0; i < positions.size(); i++) {
                        int at = positions.get(i) % (text.length() + 1);
                        char c = chars.charAt(i % chars.length());
                        if (i % 3 == 0 && at < text.length()) {
                            text.deleteCharAt(at);
                        } else if (i % 3 == 1 && at < text.length()) {
                            text.setCharAt(at, c);
                        } else {
                            text.insert(at, c);
                        }
                    }
                    return text.toString();
                });
        return Arbitraries.oneOf(random, mutated, Arbitraries.of(SEEDS));
    }
}
