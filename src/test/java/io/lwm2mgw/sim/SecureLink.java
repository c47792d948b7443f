package io.lwm2mgw.sim;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.SinglePskStore;

/**
 * A simulated device's DTLS-PSK transport: a Scandium client connector of its own (its own UDP port, so the
 * server sees one peer per device), with PSK identity = endpoint name. Datagrams the connector decrypts are
 * handed to {@code received} on the connector's thread; the fleet thread takes them from there. Costs two
 * threads per device (receiver and handshake), so a PSK fleet is for hundreds of devices, not ten thousands.
 */
final class SecureLink implements AutoCloseable {

    private final DTLSConnector connector;
    private final InetSocketAddress server;

    private SecureLink(DTLSConnector connector, InetSocketAddress server) {
        this.connector = connector;
        this.server = server;
    }

    static SecureLink open(FleetConfig config, String endpoint, Consumer<byte[]> received) throws IOException {
        DtlsConfig.register();
        Configuration dtls = Configuration.createStandardWithoutFile();
        dtls.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        dtls.set(DtlsConfig.DTLS_MAX_CONNECTIONS, 2);
        dtls.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        dtls.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
        if (config.receiveBuffer > 0) {
            dtls.set(DtlsConfig.DTLS_RECEIVE_BUFFER_SIZE, config.receiveBuffer);
        }
        // a device behind a NAT keeps its session across a new source port only with a connection id
        dtls.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 4);
        DtlsConnectorConfig connectorConfig = DtlsConnectorConfig.builder(dtls)
                .setAddress(new InetSocketAddress(config.bindHost, 0))
                .setPskStore(new SinglePskStore(endpoint, config.pskKey))
                .setLoggingTag(endpoint)
                .build();
        DTLSConnector connector = new DTLSConnector(connectorConfig);
        connector.setRawDataReceiver(data -> received.accept(data.getBytes()));
        connector.start();
        return new SecureLink(connector, config.server);
    }

    /** Encrypts and sends; the first message starts the handshake, later ones wait for it inside Scandium. */
    void send(byte[] datagram) {
        connector.send(RawData.outbound(datagram, new AddressEndpointContext(server), null, false));
    }

    @Override
    public void close() {
        connector.destroy();
    }
}
