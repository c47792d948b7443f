package io.lwm2mgw.southbound.lwm2m;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.eclipse.leshan.core.link.LinkParseException;
import org.eclipse.leshan.core.link.lwm2m.DefaultLwM2mLinkParser;
import org.junit.jupiter.api.Test;

class LenientLinkParserTest {

    /** A registration payload as some devices send it. */
    private static final String QUOTED = "</>;rt=\"oma.lwm2m\";ct=11543,</1>;ver=\"1.1\",</1/0>,</3>;ver=\"1.2\",</3/0>";
    private static final String UNQUOTED = "</>;rt=\"oma.lwm2m\";ct=11543,</1>;ver=1.1,</1/0>,</3>;ver=1.2,</3/0>";
    /** A discover answer: LwM2M attributes only. */
    private static final String DISCOVER_QUOTED = "</3>;ver=\"1.2\",</3/0>,</3/0/7>;dim=2";
    private static final String DISCOVER_UNQUOTED = "</3>;ver=1.2,</3/0>,</3/0/7>;dim=2";

    private final LenientLinkParser parser = new LenientLinkParser();

    @Test
    void unquotes_an_object_version() {
        assertThat(text(LenientLinkParser.normalize(bytes(QUOTED)))).isEqualTo(UNQUOTED);
    }

    @Test
    void leaves_every_other_quoted_value_untouched() {
        String links = "</>;rt=\"oma.lwm2m\",</3>;ver=\"v1\",</4>;ver=\"1.1.1\",</5>;title=\"ver=\\\"1.0\\\"\"";

        assertThat(text(LenientLinkParser.normalize(bytes(links)))).isEqualTo(links);
        assertThat(text(LenientLinkParser.normalize(bytes(UNQUOTED)))).isEqualTo(UNQUOTED);
        assertThat(LenientLinkParser.normalize(null)).isNull();
    }

    @Test
    void parses_a_quoted_version_as_leshan_parses_the_unquoted_form() throws LinkParseException {
        DefaultLwM2mLinkParser strict = new DefaultLwM2mLinkParser();

        assertThat(parser.parseCoreLinkFormat(bytes(QUOTED)))
                .containsExactly(strict.parseCoreLinkFormat(bytes(UNQUOTED)));
        assertThat(parser.parseLwM2mLinkFromCoreLinkFormat(bytes(DISCOVER_QUOTED), "/"))
                .containsExactly(strict.parseLwM2mLinkFromCoreLinkFormat(bytes(DISCOVER_UNQUOTED), "/"));
    }

    @Test
    void exists_because_leshan_alone_refuses_a_quoted_version() {
        DefaultLwM2mLinkParser strict = new DefaultLwM2mLinkParser();

        assertThatExceptionOfType(LinkParseException.class).isThrownBy(() -> strict.parseCoreLinkFormat(bytes(QUOTED)));
        assertThatExceptionOfType(LinkParseException.class).isThrownBy(
                () -> strict.parseLwM2mLinkFromCoreLinkFormat(bytes(DISCOVER_QUOTED), "/"));
    }

    @Test
    void stays_as_strict_as_leshan_for_other_mistakes() {
        assertThatExceptionOfType(LinkParseException.class).isThrownBy(
                () -> parser.parseLwM2mLinkFromCoreLinkFormat(bytes("</3>;ver=\"v1\""), "/"));
        assertThatExceptionOfType(LinkParseException.class).isThrownBy(
                () -> parser.parseCoreLinkFormat(bytes("</3/0")));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, UTF_8);
    }
}
