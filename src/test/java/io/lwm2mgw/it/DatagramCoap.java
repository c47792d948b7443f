package io.lwm2mgw.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.Token;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;

/**
 * A device that writes its CoAP datagrams itself, over one UDP socket: one request in one datagram however
 * large (no client blockwise layer to split it), or Block1 blocks of its own choosing. For what a Leshan or
 * Californium client would never send.
 */
final class DatagramCoap implements AutoCloseable {

    private final DatagramSocket socket;
    private final int serverPort;
    private int mid = 1;

    DatagramCoap(int serverPort) {
        this.serverPort = serverPort;
        try {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            socket.setSoTimeout(3000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POST /rd?{query} with {@code links} in one datagram; the answer, or empty when none came. */
    Optional<Response> registerInOneDatagram(String query, String links) {
        return exchange(register(query, links.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * POST /rd?{query} with {@code links} in Block1 blocks of {@code size} bytes; returns the first answer
     * that is not 2.31 Continue, and the number of blocks sent in {@code sent[0]}.
     */
    Optional<Response> registerInBlocks(String query, byte[] links, int size, int[] sent) {
        int blocks = (links.length + size - 1) / size;
        for (int num = 0; num < blocks; num++) {
            int from = num * size;
            byte[] block = java.util.Arrays.copyOfRange(links, from, Math.min(links.length, from + size));
            Request request = register(query, block);
            request.getOptions().setBlock1(org.eclipse.californium.core.coap.option.BlockOption.size2Szx(size),
                    num < blocks - 1, num);
            sent[0] = num + 1;
            Optional<Response> answer = exchange(request);
            if (answer.isEmpty() || answer.get().getCode() != CoAP.ResponseCode.CONTINUE) {
                return answer;
            }
        }
        return Optional.empty();
    }

    private Request register(String query, byte[] payload) {
        Request request = Request.newPost();
        request.setType(CoAP.Type.CON);
        request.getOptions().setUriPath("rd").setUriQuery(query)
                .setContentFormat(MediaTypeRegistry.APPLICATION_LINK_FORMAT);
        request.setPayload(payload);
        return request;
    }

    private Optional<Response> exchange(Request request) {
        request.setMID(mid++);
        request.setToken(Token.fromProvider(new byte[] {(byte) mid, 1, 2, 3}));
        byte[] datagram = new UdpDataSerializer().getByteArray(request);
        try {
            socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), serverPort));
            DatagramPacket packet = new DatagramPacket(new byte[65535], 65535);
            while (true) {
                socket.receive(packet);
                Message message = new UdpDataParser()
                        .parseMessage(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                if (message instanceof Response response && response.getMID() == request.getMID()) {
                    return Optional.of(response);
                }
            }
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
