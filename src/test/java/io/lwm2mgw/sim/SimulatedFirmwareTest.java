package io.lwm2mgw.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapExchange;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A simulated device against a minimal LwM2M server made of Californium alone (it accepts the
 * registration and then acts as the firmware pusher): the Block1 write on /5/0/0 is taken block by block,
 * and Execute /5/0/2 applies it. The gateway's own firmware flow is not needed for this.
 */
class SimulatedFirmwareTest {

    private final AtomicReference<InetSocketAddress> device = new AtomicReference<>();
    private CoapServer server;
    private Fleet fleet;

    @BeforeEach
    void start() {
        Configuration config = Configuration.createStandardWithoutFile();
        server = new CoapServer(config);
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0)).build());
        server.add(new CoapResource("rd") {
            @Override
            public void handlePOST(CoapExchange exchange) {
                device.set(exchange.getSourceSocketAddress());
                exchange.setLocationPath("rd/fw-1");
                exchange.respond(CoAP.ResponseCode.CREATED);
            }
        });
        server.start();
        fleet = Fleet.start(new FleetConfig().devices(1).prefix("fw-").threads(1)
                .server("127.0.0.1", server.getEndpoints().get(0).getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        fleet.close();
        server.destroy();
    }

    @Test
    void a_block1_firmware_write_is_taken_block_by_block_and_applied_on_execute() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.stats().registered.sum() == 1);
        String base = "coap://127.0.0.1:" + device.get().getPort();
        CoapClient client = new CoapClient().setEndpoint(server.getEndpoints().get(0)).setTimeout(5000L);

        byte[] image = new byte[40_000];
        CoapResponse written = client.setURI(base + "/5/0/0").put(image, MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        assertThat(written.getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);
        assertThat(fleet.stats().firmwareBytes.sum()).isEqualTo(image.length);
        assertThat(fleet.stats().blocksReceived.sum()).as("blocks of at most 1 KiB").isGreaterThanOrEqualTo(40);
        assertThat(client.setURI(base + "/5/0/3").get().getResponseText()).as("Downloaded").isEqualTo("2");

        assertThat(client.setURI(base + "/5/0/2").post("", MediaTypeRegistry.TEXT_PLAIN).getCode())
                .isEqualTo(CoAP.ResponseCode.CHANGED);
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.stats().firmwareUpdatesApplied.sum() == 1);
        assertThat(client.setURI(base + "/5/0/5").get().getResponseText()).as("update result: success").isEqualTo("1");
        assertThat(client.setURI(base + "/3/0/3").get().getResponseText()).isEqualTo("1.0.1");
        assertThat(client.setURI(base + "/5/0/2").post("", MediaTypeRegistry.TEXT_PLAIN).getCode())
                .as("nothing left to apply").isEqualTo(CoAP.ResponseCode.METHOD_NOT_ALLOWED);
        client.shutdown();
    }
}
