package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.eclipse.leshan.core.link.LinkParseException;

/**
 * Fuzzes what a device sends when it registers: the query parameters ({@link RegistrationGuard}) and the link
 * format payload ({@link LenientLinkParser}). Short run in the suite; long run:
 * {@code ./mvnw -B -ntp test -Dtest='*FuzzTest' -Djqwik.tries=200000}.
 */
class RegistrationFuzzTest {

    private static final List<String> SEEDS = List.of(
            "</>;rt=\"oma.lwm2m\";ct=11543,</1/0>,</3/0>,</3303/0>;ver=\"1.1\"",
            "</lwm2m>;rt=\"oma.lwm2m\",</lwm2m/1/0>,</lwm2m/3/0>",
            "</3/0>;ver=1.0,</5>,</3311/0>;ver=\"1.2\",</3311/1>");

    @Property
    void the_guard_answers_every_query_with_a_verdict_and_never_throws(
            @ForAll("queries") List<String> query, @ForAll boolean register) {
        assertThat(RegistrationGuard.problem(query, register)).isNotNull();
    }

    @Property
    void the_guard_accepts_every_well_formed_registration(@ForAll("wellFormed") List<String> query) {
        assertThat(RegistrationGuard.problem(query, true)).isEmpty();
    }

    @Property
    void the_link_parser_fails_only_with_a_parse_error(@ForAll("links") byte[] payload) {
        LenientLinkParser parser = new LenientLinkParser();
        try {
            assertThat(parser.parseCoreLinkFormat(payload)).isNotNull();
        } catch (LinkParseException expected) {
            // refused as malformed: Leshan answers 4.00
        }
        try {
            assertThat(parser.parseLwM2mLinkFromCoreLinkFormat(payload, null)).isNotNull();
        } catch (LinkParseException expected) {
            // refused as malformed
        }
    }

    @Provide
    Arbitrary<List<String>> queries() {
        Arbitrary<String> key = Arbitraries.of("ep", "lt", "lwm2m", "b", "sms", "Q", "", "ep=", "x");
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(24),
                Arbitraries.strings().withChars("0123456789.\"-+eUSQTN").ofMaxLength(14));
        Arbitrary<String> param = Arbitraries.oneOf(
                Combinators.combine(key, value).as((k, v) -> k + "=" + v),
                Arbitraries.strings().ofMaxLength(30));
        return param.list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<String>> wellFormed() {
        Arbitrary<String> ep = Arbitraries.strings().alpha().numeric().withChars(":-_.").ofMinLength(1).ofMaxLength(40);
        Arbitrary<Long> lt = Arbitraries.longs().between(1, 0xFFFFFFFFL);
        Arbitrary<String> version = Arbitraries.of("1.0", "1.1", "1.2", "\"1.1\"");
        Arbitrary<String> binding = Arbitraries.of("U", "UQ", "T", "N", "UQS");
        return Combinators.combine(ep, lt, version, binding)
                .as((e, l, v, b) -> List.of("ep=" + e, "lt=" + l, "lwm2m=" + v, "b=" + b));
    }

    /** Random bytes, and valid link formats with random edits (the interesting inputs for a parser). */
    @Provide
    Arbitrary<byte[]> links() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(SEEDS),
                Arbitraries.integers().between(0, 1000).list().ofMinSize(1).ofMaxSize(6),
                Arbitraries.chars().with("<>/;,=\"\\ 0123456789abc\u00e9\u0000").list().ofMinSize(1).ofMaxSize(6))
                .as((seed, positions, chars) -> {
                    StringBuilder text = new StringBuilder(seed);
                    for (int i = 0; i < positions.size(); i++) {
                        int at = positions.get(i) % (text.length() + 1);
                        char c = chars.get(i % chars.size());
                        if (i % 3 == 0 && at < text.length()) {
                            text.deleteCharAt(at);
                        } else if (i % 3 == 1 && at < text.length()) {
                            text.setCharAt(at, c);
                        } else {
                            text.insert(at, c);
                        }
                    }
                    return text.toString().getBytes(StandardCharsets.UTF_8);
                });
        return Arbitraries.oneOf(random, mutated);
    }
}
