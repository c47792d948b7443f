package io.lwm2mgw.northbound.mqtt;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An MQTT 5 PUBLISH packet cut into its parts (section 3.3), as slices of the packet: the variable header up to
 * the properties (topic name, packet identifier), the properties the client decodes as they are, and the
 * payload. {@code problem} names the first property the HiveMQ client would refuse (those are left out of
 * {@code keptProperties}), or is null.
 */
record PublishLayout(ByteBuf header, List<ByteBuf> keptProperties, int keptPropertiesLength, ByteBuf payload,
        String problem, String topicPreview) {

    private static final int RESPONSE_TOPIC = 0x08;
    private static final int CONTENT_TYPE = 0x03;
    private static final int USER_PROPERTY = 0x26;

    int headerLength() {
        return header.readableBytes();
    }

    /**
     * Reads a whole PUBLISH (fixed header included) without moving its reader index; null when it is malformed
     * in a way only the decoder should report (a truncated field, a property this class does not know).
     */
    static PublishLayout read(ByteBuf packet) {
        ByteBuf in = packet.duplicate();
        int flags = in.readUnsignedByte() & 0x0f;
        if (readVarInt(in) < 0 || in.readableBytes() < 2) {
            return null;
        }
        int headerStart = in.readerIndex();
        int topicLength = in.readUnsignedShort();
        if (in.readableBytes() < topicLength) {
            return null;
        }
        String topicPreview = PublishPropertyRepair.preview(in.slice(in.readerIndex(), topicLength));
        in.skipBytes(topicLength);
        if ((flags & 0b0110) != 0) {
            if (in.readableBytes() < 2) {
                return null;
            }
            in.skipBytes(2);
        }
        ByteBuf header = packet.slice(headerStart, in.readerIndex() - headerStart);
        int propertiesLength = readVarInt(in);
        if (propertiesLength < 0 || in.readableBytes() < propertiesLength) {
            return null;
        }
        ByteBuf properties = in.readSlice(propertiesLength);
        List<ByteBuf> kept = new ArrayList<>();
        int keptLength = 0;
        String problem = null;
        try {
            while (properties.isReadable()) {
                int start = properties.readerIndex();
                String refused = refused(properties.readUnsignedByte(), properties);
                if (refused == null) {
                    ByteBuf property = properties.slice(start, properties.readerIndex() - start);
                    kept.add(property);
                    keptLength += property.readableBytes();
                } else if (problem == null) {
                    problem = refused;
                }
            }
        } catch (Truncated e) {
            return null;
        }
        return new PublishLayout(header, kept, keptLength, in, problem, topicPreview);
    }

    /** Reads the value of property {@code id}: why the client refuses it, or null. */
    private static String refused(int id, ByteBuf properties) {
        return switch (id) {
            case RESPONSE_TOPIC -> stringRefused(properties, true, "response topic");
            case CONTENT_TYPE -> stringRefused(properties, false, "content type");
            case USER_PROPERTY -> {
                String name = stringRefused(properties, false, "user property name");
                String value = stringRefused(properties, false, "user property value");
                yield name != null ? name : value;
            }
            case 0x01 -> skip(properties, 1); // payload format indicator
            case 0x02 -> skip(properties, 4); // message expiry interval
            case 0x23 -> skip(properties, 2); // topic alias
            case 0x09 -> skip(properties, length(properties)); // correlation data
            case 0x0b -> { // subscription identifier
                if (readVarInt(properties) < 0) {
                    throw new Truncated();
                }
                yield null;
            }
            default -> throw new Truncated();
        };
    }

    private static int length(ByteBuf in) {
        if (in.readableBytes() < 2) {
            throw new Truncated();
        }
        return in.readUnsignedShort();
    }

    /** Thrown by the property readers when the packet is cut short or unknown: the decoder must see it as it is. */
    private static final class Truncated extends RuntimeException {
        Truncated() {
            super(null, null, false, false);
        }
    }

    /** Skips {@code length} bytes; always null (nothing refused). */
    private static String skip(ByteBuf in, int length) {
        if (in.readableBytes() < length) {
            throw new Truncated();
        }
        in.skipBytes(length);
        return null;
    }

    /** Reads a UTF-8 string; why the client refuses it (quoting it), null when it takes it. */
    private static String stringRefused(ByteBuf in, boolean topic, String what) {
        int length = length(in);
        if (in.readableBytes() < length) {
            throw new Truncated();
        }
        ByteBuf bytes = in.readSlice(length);
        String problem = PublishPropertyRepair.stringProblem(bytes, topic);
        return problem == null ? null : what + " '" + PublishPropertyRepair.preview(bytes) + "' " + problem;
    }

    /** A variable byte integer (section 1.5.5), -1 when truncated or longer than four bytes. */
    static int readVarInt(ByteBuf in) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            if (!in.isReadable()) {
                return -1;
            }
            int b = in.readUnsignedByte();
            value |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }
}
