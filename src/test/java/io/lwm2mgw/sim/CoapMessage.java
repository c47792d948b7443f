package io.lwm2mgw.sim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A CoAP message (RFC 7252) with just what a simulated LwM2M device needs, and its wire codec. Options are
 * kept as (number, bytes) pairs sorted by number; the accessors decode the few the simulator reads.
 * Instances are built by one thread and not shared.
 */
public final class CoapMessage {

    public static final int CON = 0;
    public static final int NON = 1;
    public static final int ACK = 2;
    public static final int RST = 3;

    public static final int GET = 1;
    public static final int POST = 2;
    public static final int PUT = 3;
    public static final int DELETE = 4;

    public static final int OBSERVE = 6;
    public static final int LOCATION_PATH = 8;
    public static final int URI_PATH = 11;
    public static final int CONTENT_FORMAT = 12;
    public static final int URI_QUERY = 15;
    public static final int ACCEPT = 17;
    public static final int BLOCK2 = 23;
    public static final int BLOCK1 = 27;
    public static final int SIZE1 = 60;

    /** A code as class.detail, e.g. {@code code(2, 5)} for 2.05 Content. */
    public static int code(int codeClass, int detail) {
        return codeClass << 5 | detail;
    }

    /** One option; {@code value} is the raw option value. */
    public record Option(int number, byte[] value) { }

    public int type;
    public int code;
    public int messageId;
    public byte[] token = new byte[0];
    public final List<Option> options = new ArrayList<>(6);
    public byte[] payload = new byte[0];

    public CoapMessage() {
    }

    public CoapMessage(int type, int code, int messageId, byte[] token) {
        this.type = type;
        this.code = code;
        this.messageId = messageId;
        this.token = token;
    }

    public boolean isRequest() {
        return code >= 1 && code <= 31;
    }

    public boolean isResponse() {
        return code >= 64;
    }

    public boolean isEmpty() {
        return code == 0;
    }

    public CoapMessage add(int number, byte[] value) {
        options.add(new Option(number, value));
        return this;
    }

    public CoapMessage add(int number, String value) {
        return add(number, value.getBytes(StandardCharsets.UTF_8));
    }

    public CoapMessage add(int number, long value) {
        return add(number, uint(value));
    }

    public CoapMessage payload(byte[] bytes) {
        this.payload = bytes;
        return this;
    }

    /** The Uri-Path options joined with '/' and a leading '/' ("/3/0/9"); "/" when there are none. */
    public String uriPath() {
        StringBuilder path = new StringBuilder();
        for (Option o : options) {
            if (o.number == URI_PATH) {
                path.append('/').append(new String(o.value, StandardCharsets.UTF_8));
            }
        }
        return path.length() == 0 ? "/" : path.toString();
    }

    /** The Uri-Query options, each "key=value" or "key". */
    public List<String> uriQueries() {
        List<String> queries = new ArrayList<>(2);
        for (Option o : options) {
            if (o.number == URI_QUERY) {
                queries.add(new String(o.value, StandardCharsets.UTF_8));
            }
        }
        return queries;
    }

    /** The Location-Path options joined as "/rd/abc". */
    public String locationPath() {
        StringBuilder path = new StringBuilder();
        for (Option o : options) {
            if (o.number == LOCATION_PATH) {
                path.append('/').append(new String(o.value, StandardCharsets.UTF_8));
            }
        }
        return path.toString();
    }

    /** The unsigned integer value of the first option {@code number}, or -1 when absent. */
    public long uintOption(int number) {
        for (Option o : options) {
            if (o.number == number) {
                long v = 0;
                for (byte b : o.value) {
                    v = v << 8 | (b & 0xFF);
                }
                return v;
            }
        }
        return -1;
    }

    public static byte[] uint(long value) {
        int length = value == 0 ? 0 : (64 - Long.numberOfLeadingZeros(value) + 7) / 8;
        byte[] bytes = new byte[length];
        for (int i = length - 1; i >= 0; i--) {
            bytes[i] = (byte) value;
            value >>>= 8;
        }
        return bytes;
    }

    /** Writes the message into {@code out} (from its position); the caller flips it. */
    public void encode(ByteBuffer out) {
        out.put((byte) (1 << 6 | type << 4 | token.length));
        out.put((byte) code);
        out.putShort((short) messageId);
        out.put(token);
        options.sort(Comparator.comparingInt(Option::number));
        int previous = 0;
        for (Option o : options) {
            int delta = o.number - previous;
            previous = o.number;
            int length = o.value.length;
            out.put((byte) (nibble(delta) << 4 | nibble(length)));
            extended(out, delta);
            extended(out, length);
            out.put(o.value);
        }
        if (payload.length > 0) {
            out.put((byte) 0xFF);
            out.put(payload);
        }
    }

    private static int nibble(int n) {
        return n < 13 ? n : n < 269 ? 13 : 14;
    }

    private static void extended(ByteBuffer out, int n) {
        if (n >= 269) {
            out.putShort((short) (n - 269));
        } else if (n >= 13) {
            out.put((byte) (n - 13));
        }
    }

    /** Decodes one datagram; IllegalArgumentException when it is not CoAP version 1. */
    public static CoapMessage decode(ByteBuffer in) {
        CoapMessage m = new CoapMessage();
        int first = in.get() & 0xFF;
        if (first >> 6 != 1) {
            throw new IllegalArgumentException("not CoAP version 1");
        }
        m.type = first >> 4 & 0x3;
        int tokenLength = first & 0xF;
        m.code = in.get() & 0xFF;
        m.messageId = in.getShort() & 0xFFFF;
        m.token = new byte[tokenLength];
        in.get(m.token);
        int number = 0;
        while (in.hasRemaining()) {
            int b = in.get() & 0xFF;
            if (b == 0xFF) {
                m.payload = new byte[in.remaining()];
                in.get(m.payload);
                break;
            }
            number += readExtended(in, b >> 4);
            int length = readExtended(in, b & 0xF);
            byte[] value = new byte[length];
            in.get(value);
            m.options.add(new Option(number, value));
        }
        return m;
    }

    private static int readExtended(ByteBuffer in, int nibble) {
        if (nibble == 13) {
            return (in.get() & 0xFF) + 13;
        }
        if (nibble == 14) {
            return (in.getShort() & 0xFFFF) + 269;
        }
        if (nibble == 15) {
            throw new IllegalArgumentException("reserved option nibble");
        }
        return nibble;
    }
}
