package io.lwm2mgw.it;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.option.BlockOption;
import org.eclipse.californium.core.network.CoapStackFactory;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.stack.AbstractLayer;
import org.eclipse.californium.core.network.stack.BaseCoapStack;
import org.eclipse.californium.core.network.stack.BlockwiseLayer;
import org.eclipse.californium.core.network.stack.CongestionControlLayer;
import org.eclipse.californium.core.network.stack.ExchangeCleanupLayer;
import org.eclipse.californium.core.network.stack.Layer;
import org.eclipse.californium.core.network.stack.ObserveLayer;

/**
 * A test device's CoAP stack: Californium's UDP layers plus, below the block-wise layer, a gate that lets the
 * device's Object 5 answer a Package block itself (4.00 in Downloaded, 4.13 to blocks too large for its
 * buffer), as a constrained device does before it stores anything.
 */
final class PackageBlockGate extends AbstractLayer {

    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "device-flash");
        t.setDaemon(true);
        return t;
    });

    private final FirmwareUpdateObject firmware;

    private PackageBlockGate(FirmwareUpdateObject firmware) {
        this.firmware = firmware;
    }

    /** The stack factory for a device with this Object 5. */
    static CoapStackFactory stack(FirmwareUpdateObject firmware) {
        return (protocol, tag, config, matcher, outbox, customArgument) -> new BaseCoapStack(outbox) {
            {
                setLayers(new Layer[] {new ExchangeCleanupLayer(config), new ObserveLayer(config),
                    new BlockwiseLayer(tag, false, config, matcher), new PackageBlockGate(firmware),
                    CongestionControlLayer.newImplementation(tag, config)});
            }
        };
    }

    @Override
    public void receiveRequest(Exchange exchange, Request request) {
        BlockOption block = request.getOptions().getBlock1();
        if (block != null && "5/0/0".equals(request.getOptions().getUriPathString())) {
            var refusal = firmware.refusal(block);
            if (refusal.isPresent()) {
                Response response = Response.createResponse(request, refusal.get().code());
                refusal.get().blockSize().ifPresent(size -> response.getOptions()
                        .setBlock1(BlockOption.size2Szx(size), false, 0));
                exchange.setCurrentResponse(response);
                sendResponse(exchange, response); // straight down: the layers above never saw this block
                return;
            }
            long delay = firmware.blockDelay().toMillis();
            if (delay > 0) {
                // a device busy writing its flash: the block is taken, and answered, only later
                LATER.schedule(() -> exchange.execute(() -> super.receiveRequest(exchange, request)), delay,
                        TimeUnit.MILLISECONDS);
                return;
            }
        }
        super.receiveRequest(exchange, request);
    }
}
