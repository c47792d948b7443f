package io.lwm2mgw.northbound.mqtt;

import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * Stands in front of the HiveMQ client's MQTT decoder and rewrites a PUBLISH whose properties that decoder
 * refuses. HiveMQ 1.4.2 ({@code Mqtt5PublishDecoder}) answers a Response Topic with a wildcard, an empty one,
 * or a Response Topic, Content Type or User Property that is not well-formed UTF-8 (or holds U+0000) by
 * closing the connection; a broker that passes such a PUBLISH on (mosquitto 2 does for wildcards) then
 * redelivers it at every reconnect, for ever. This handler removes the offending property and adds the user
 * property {@value #MARKER} naming what was wrong, so the command source answers the command {@code invalid}
 * and acknowledges it like any other.
 *
 * <p>Installed by {@link #install} from a connected listener, which the client calls on its event loop while
 * decoding the CONNACK: the decoder is replaced by this handler, which keeps the decoder and hands it every
 * complete packet, so nothing the broker sent after the CONNACK escapes the check. Runs on the connection's
 * event loop only.
 */
final class PublishPropertyRepair extends ChannelInboundHandlerAdapter {

    /** The user property that tells the command source a PUBLISH was repaired; its value says why. */
    static final String MARKER = "lwm2m-gateway-invalid-property";

    /** The pipeline name of the client's decoder ({@code MqttDecoder.NAME}); the repair takes it over. */
    private static final String DECODER = "decoder";

    private static final Logger LOG = Logger.getLogger(PublishPropertyRepair.class);
    private static final int PUBLISH = 3;
    private static final int USER_PROPERTY = 0x26;

    private final ChannelInboundHandler decoder;
    private ByteBuf pending;
    private boolean handingOver;

    private PublishPropertyRepair(ChannelInboundHandler decoder) {
        this.decoder = decoder;
    }

    /**
     * Puts the repair in front of the decoder of the connection just made. Call from a connected listener: the
     * client runs those on the connection's event loop, before it decodes anything that follows the CONNACK.
     */
    static void install(MqttClientConnectedContext context) {
        var connection = ((com.hivemq.client.internal.mqtt.MqttClientConfig) context.getClientConfig())
                .getRawConnectionConfig();
        if (connection == null) {
            return;
        }
        Channel channel = connection.getChannel();
        ChannelHandler decoder = channel.pipeline().get(DECODER);
        if (!(decoder instanceof ChannelInboundHandler inbound) || decoder instanceof PublishPropertyRepair) {
            LOG.warnf("MQTT client pipeline without its decoder (%s): malformed PUBLISH properties not repaired",
                    channel.pipeline().names());
            return;
        }
        PublishPropertyRepair repair = new PublishPropertyRepair(inbound);
        // the decoder hands what it has buffered (a PUBLISH sent right after the CONNACK) to its replacement
        // at once, while it is still on the stack: that is kept and decoded once the current read is done
        repair.handingOver = true;
        channel.pipeline().replace(decoder, DECODER, repair);
        repair.handingOver = false;
        if (repair.pending != null) {
            LOG.debugf("MQTT decoder handed over %d bytes received after the CONNACK", repair.pending.readableBytes());
            ChannelHandlerContext ctx = channel.pipeline().context(repair);
            channel.eventLoop().execute(() -> repair.drain(ctx));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof ByteBuf bytes)) {
            decoder.channelRead(ctx, msg);
            return;
        }
        if (pending == null) {
            pending = bytes;
        } else {
            ByteBuf joined = ctx.alloc().buffer(pending.readableBytes() + bytes.readableBytes());
            joined.writeBytes(pending).writeBytes(bytes);
            pending.release();
            bytes.release();
            pending = joined;
        }
        if (!handingOver) {
            drain(ctx);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (!handingOver) {
            decoder.channelReadComplete(ctx);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        release();
        decoder.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        decoder.userEventTriggered(ctx, evt);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    private void release() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    /** Hands every complete packet in {@code pending} to the decoder, repaired where needed. */
    private void drain(ChannelHandlerContext ctx) {
        try {
            while (pending != null && !ctx.isRemoved()) {
                int length = completePacketLength(pending);
                if (length < 0) {
                    break;
                }
                ByteBuf packet = pending.readRetainedSlice(length);
                if (!pending.isReadable()) {
                    release();
                }
                if ((packet.getUnsignedByte(packet.readerIndex()) >> 4) == PUBLISH) {
                    packet = repaired(ctx, packet);
                }
                decoder.channelRead(ctx, packet);
            }
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    /**
     * The length of the packet at the start of {@code in} with its fixed header, or -1 while it is incomplete.
     * A remaining length longer than four bytes is passed on whole, for the decoder to refuse.
     */
    private static int completePacketLength(ByteBuf in) {
        int start = in.readerIndex();
        int remaining = 0;
        for (int i = 0; i < 4; i++) {
            if (in.readableBytes() < 2 + i) {
                return -1;
            }
            int b = in.getUnsignedByte(start + 1 + i);
            remaining |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                int length = 2 + i + remaining;
                return in.readableBytes() >= length ? length : -1;
            }
        }
        return in.readableBytes();
    }

    /** The PUBLISH as it came, or rebuilt without the properties the decoder refuses and with {@link #MARKER}. */
    private static ByteBuf repaired(ChannelHandlerContext ctx, ByteBuf packet) {
        PublishLayout layout = PublishLayout.read(packet);
        if (layout == null || layout.problem() == null) {
            return packet;
        }
        LOG.debugf("PUBLISH on %s repaired: %s", layout.topicPreview(), layout.problem());
        byte[] name = MARKER.getBytes(StandardCharsets.UTF_8);
        byte[] value = layout.problem().getBytes(StandardCharsets.UTF_8);
        int properties = layout.keptPropertiesLength() + 1 + 2 + name.length + 2 + value.length;
        int remaining = layout.headerLength() + varIntLength(properties) + properties + layout.payload().readableBytes();
        ByteBuf out = ctx.alloc().buffer(1 + varIntLength(remaining) + remaining);
        out.writeByte(packet.getUnsignedByte(packet.readerIndex()));
        writeVarInt(out, remaining);
        out.writeBytes(layout.header());
        writeVarInt(out, properties);
        for (ByteBuf kept : layout.keptProperties()) {
            out.writeBytes(kept);
        }
        out.writeByte(USER_PROPERTY).writeShort(name.length).writeBytes(name).writeShort(value.length)
                .writeBytes(value);
        out.writeBytes(layout.payload());
        packet.release();
        return out;
    }

    private static int varIntLength(int value) {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }

    private static void writeVarInt(ByteBuf out, int value) {
        do {
            int b = value & 0x7f;
            value >>>= 7;
            out.writeByte(value > 0 ? b | 0x80 : b);
        } while (value > 0);
    }

    /**
     * Why the client would refuse this UTF-8 string (MQTT 5 section 1.5.4, plus no wildcards in a topic), or
     * null when it takes it.
     */
    static String stringProblem(ByteBuf bytes, boolean topic) {
        if (topic && !bytes.isReadable()) {
            return "is empty";
        }
        for (int i = bytes.readerIndex(); i < bytes.writerIndex(); i++) {
            byte b = bytes.getByte(i);
            if (b == 0) {
                return "contains U+0000";
            }
            if (topic && (b == '+' || b == '#')) {
                return "contains a wildcard";
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.nioBuffer());
            return null;
        } catch (CharacterCodingException e) {
            return "is not UTF-8";
        }
    }

    /** A string for a log line or an error text: lossy UTF-8, control characters and quotes escaped, cut short. */
    static String preview(ByteBuf bytes) {
        String text = StandardCharsets.UTF_8.decode(bytes.nioBuffer()).toString();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < 120; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
