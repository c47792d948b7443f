package io.lwm2mgw.southbound.lwm2m;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.link.LinkParseException;
import org.eclipse.leshan.core.link.lwm2m.DefaultLwM2mLinkParser;
import org.eclipse.leshan.core.link.lwm2m.LwM2mLink;
import org.eclipse.leshan.core.link.lwm2m.LwM2mLinkParser;

/**
 * Leshan's link parser, tolerant of one common device habit: a quoted object version ({@code ver="1.1"}),
 * which LwM2M 1.1 writes unquoted. Everything else is parsed as strictly as Leshan does.
 */
final class LenientLinkParser implements LwM2mLinkParser {

    private static final Pattern QUOTED_VERSION = Pattern.compile(";ver=\"(\\d+\\.\\d+)\"");

    private final DefaultLwM2mLinkParser delegate = new DefaultLwM2mLinkParser();

    @Override
    public LwM2mLink[] parseLwM2mLinkFromCoreLinkFormat(byte[] bytes, String rootPath) throws LinkParseException {
        return delegate.parseLwM2mLinkFromCoreLinkFormat(normalize(bytes), rootPath);
    }

    @Override
    public Link[] parseCoreLinkFormat(byte[] bytes) throws LinkParseException {
        return delegate.parseCoreLinkFormat(normalize(bytes));
    }

    static byte[] normalize(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.contains("ver=\"")) {
            return bytes;
        }
        return QUOTED_VERSION.matcher(text).replaceAll(";ver=$1").getBytes(StandardCharsets.UTF_8);
    }
}
