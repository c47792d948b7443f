package io.lwm2mgw.it;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.option.BlockOption;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.SinglePskStore;

/**
 * One pull of a firmware package from a Package URI, as a test device does it: CoAP or CoAPS with Block2, or
 * HTTP(S) where the device announces it. Failures come back as the Update Result a device reports: 7 for a URI
 * that is malformed or names nothing (4.04), 9 for a scheme the device does not support, 4 for everything that
 * breaks the download (timeout, other error responses, a failed handshake).
 */
final class FirmwareDownload {

    /** Either the package's bytes or the Update Result explaining why there are none. */
    record Outcome(Optional<byte[]> bytes, int failure) {
        static Outcome of(byte[] bytes) {
            return new Outcome(Optional.of(bytes), 0);
        }

        static Outcome failed(int updateResult) {
            return new Outcome(Optional.empty(), updateResult);
        }
    }

    private final FirmwareBehaviour behaviour;

    FirmwareDownload(FirmwareBehaviour behaviour) {
        this.behaviour = behaviour;
    }

    Outcome fetch(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return Outcome.failed(7);
        }
        if (parsed.getScheme() == null || parsed.getHost() == null) {
            return Outcome.failed(7);
        }
        int protocol = protocolOf(parsed.getScheme().toLowerCase(Locale.ROOT));
        if (protocol < 0 || !behaviour.protocols.contains(protocol)) {
            return Outcome.failed(9);
        }
        try {
            return protocol <= 1 ? coap(uri, protocol == 1) : http(parsed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed(4);
        } catch (Exception e) {
            return Outcome.failed(4);
        }
    }

    private static int protocolOf(String scheme) {
        switch (scheme) {
            case "coap": return 0;
            case "coaps": return 1;
            case "http": return 2;
            case "https": return 3;
            default: return -1;
        }
    }

    private Outcome coap(String uri, boolean secure) throws Exception {
        Configuration config = configuration(behaviour);
        CoapEndpoint.Builder builder = new CoapEndpoint.Builder().setConfiguration(config);
        if (secure) {
            if (behaviour.coapsPsk.isEmpty()) {
                return Outcome.failed(4);
            }
            FirmwareBehaviour.Psk psk = behaviour.coapsPsk.get();
            builder.setConnector(new DTLSConnector(DtlsConnectorConfig.builder(config)
                    .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                    .setPskStore(new SinglePskStore(psk.identity(), psk.secret().clone()))
                    .build()));
        }
        CoapEndpoint endpoint = builder.build();
        CoapClient client = new CoapClient(uri);
        client.setEndpoint(endpoint);
        client.setTimeout(behaviour.pullTimeout.toMillis());
        try {
            Request get = Request.newGet();
            behaviour.preferredBlockSize.ifPresent(size ->
                    get.getOptions().setBlock2(BlockOption.size2Szx(size), false, 0));
            CoapResponse response = client.advanced(get);
            if (response == null) {
                return Outcome.failed(4);
            }
            if (response.getCode() == CoAP.ResponseCode.NOT_FOUND) {
                return Outcome.failed(7);
            }
            if (!response.isSuccess()) {
                return Outcome.failed(4);
            }
            return Outcome.of(response.getPayload());
        } finally {
            client.shutdown();
            endpoint.destroy();
        }
    }

    private Outcome http(URI uri) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(behaviour.pullTimeout).build();
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(behaviour.pullTimeout).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 404) {
            return Outcome.failed(7);
        }
        if (response.statusCode() / 100 != 2) {
            return Outcome.failed(4);
        }
        return Outcome.of(response.body());
    }

    /** A Californium configuration for a download client, never written to a file. */
    static Configuration configuration(FirmwareBehaviour behaviour) {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, 64 * 1024 * 1024);
        if (behaviour != null) {
            behaviour.preferredBlockSize.ifPresent(size -> config.set(CoapConfig.PREFERRED_BLOCK_SIZE, size));
        }
        return config;
    }
}
