package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.domain.firmware.FirmwareImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.option.BlockOption;
import org.eclipse.californium.core.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.jboss.logging.Logger;

/**
 * Serves firmware images for pull at {@code /fw/{token}} (RFC 7959 Block2): each token is 128 random bits,
 * made for one update and revoked when it ends, after which the URI answers 4.04. Every block is read from the
 * image file when asked for, so no image is held in memory. File reads are short positional reads of one
 * block from the page cache, done on the protocol thread.
 */
final class FirmwareDownloadResource extends CoapResource {

    private static final Logger LOG = Logger.getLogger(FirmwareDownloadResource.class);
    static final String NAME = "fw";

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Offer> offers = new ConcurrentHashMap<>();

    /** One image on offer under one token. */
    static final class Offer {
        final FirmwareImage image;
        final int szx;
        final LongConsumer served;
        final AtomicLong highest = new AtomicLong();
        final FileChannel file;

        Offer(FirmwareImage image, int blockSize, LongConsumer served) throws IOException {
            this.image = image;
            this.szx = BlockOption.size2Szx(blockSize);
            this.served = served;
            this.file = FileChannel.open(image.file(), StandardOpenOption.READ);
        }
    }

    FirmwareDownloadResource() {
        super(NAME);
        setVisible(false);
    }

    /** Offers an image under a fresh token and returns the token. */
    String offer(FirmwareImage image, int blockSize, LongConsumer served) throws IOException {
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
        offers.put(token, new Offer(image, blockSize, served));
        return token;
    }

    void revoke(String token) {
        Offer offer = offers.remove(token);
        if (offer != null) {
            try {
                offer.file.close();
            } catch (IOException e) {
                LOG.debugf("closing %s: %s", offer.image.file(), e.getMessage());
            }
        }
    }

    /** Every path below {@code /fw} lands here; the token is the second segment. */
    @Override
    public Resource getChild(String name) {
        return this;
    }

    @Override
    public void handleGET(CoapExchange exchange) {
        var path = exchange.getRequestOptions().getUriPath();
        Offer offer = path.size() == 2 ? offers.get(path.get(1).getStringValue()) : null;
        if (offer == null) {
            exchange.respond(ResponseCode.NOT_FOUND);
            return;
        }
        BlockOption asked = exchange.getRequestOptions().getBlock2();
        int szx = asked == null ? offer.szx : Math.min(asked.getSzx(), offer.szx);
        int size = BlockOption.szx2Size(szx);
        long num = asked == null ? 0 : asked.getOffset() / size;
        long start = num * size;
        long total = offer.image.size();
        if (start >= total) {
            exchange.respond(ResponseCode.BAD_OPTION, "block beyond the end of the image");
            return;
        }
        ByteBuffer block = ByteBuffer.allocate((int) Math.min(size, total - start));
        try {
            while (block.hasRemaining()) {
                if (offer.file.read(block, start + block.position()) < 0) {
                    throw new IOException("the image file ended early");
                }
            }
        } catch (IOException e) {
            LOG.warnf("cannot serve %s: %s", offer.image.file(), e.getMessage());
            exchange.respond(ResponseCode.INTERNAL_SERVER_ERROR);
            return;
        }
        long end = start + block.limit();
        Response response = new Response(ResponseCode.CONTENT);
        response.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        response.getOptions().setBlock2(szx, end < total, (int) num);
        if (num == 0) {
            response.getOptions().setSize2((int) Math.min(Integer.MAX_VALUE, total));
        }
        response.setPayload(block.array());
        exchange.respond(response);
        if (offer.highest.accumulateAndGet(end, Math::max) == end) {
            offer.served.accept(end);
        }
    }

    /** Revokes every offer (the server stops). */
    void revokeAll() {
        List.copyOf(offers.keySet()).forEach(this::revoke);
    }
}
