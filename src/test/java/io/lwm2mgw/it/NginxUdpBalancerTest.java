package io.lwm2mgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the replica tests rely on from the balancer: a client keeps its upstream while its port stays, replies come
 * back through nginx, and when its upstream goes away (port unreachable, as after a kill -9) its next datagrams
 * reach a survivor.
 */
class NginxUdpBalancerTest {

    @TempDir
    Path folder;

    @Test
    void keepsAClientOnItsUpstreamAndMovesItToASurvivorWhenTheUpstreamDies() throws Exception {
        assumeTrue(NginxUdpBalancer.available(), "nginx with libnginx-mod-stream is not installed");
        try (Replica one = new Replica("one"); Replica two = new Replica("two");
                NginxUdpBalancer balancer = NginxUdpBalancer.start(folder,
                        Map.of("coap", List.of(one.port(), two.port())));
                DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(200);
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), balancer.port("coap"));

            String first = await().atMost(Duration.ofSeconds(5)).until(() -> ask(client, target), r -> r != null);
            assertThat(List.of(ask(client, target), ask(client, target))).containsOnly(first);

            Replica owner = first.equals("one") ? one : two;
            owner.close();
            String survivor = first.equals("one") ? "two" : "one";
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ask(client, target))
                    .as("nginx log: %s", balancer.errorLog()).isEqualTo(survivor));
        }
    }

    private static String ask(DatagramSocket client, InetSocketAddress target) throws IOException {
        client.send(new DatagramPacket(new byte[] {1}, 1, target));
        DatagramPacket reply = new DatagramPacket(new byte[64], 64);
        try {
            client.receive(reply);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
    }

    /** An upstream that answers every datagram with its name. */
    private static final class Replica implements AutoCloseable {
        private final DatagramSocket socket;
        private final Thread answering;

        Replica(String name) throws IOException {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            byte[] answer = name.getBytes(StandardCharsets.UTF_8);
            answering = new Thread(() -> {
                DatagramPacket in = new DatagramPacket(new byte[64], 64);
                try {
                    while (true) {
                        socket.receive(in);
                        socket.send(new DatagramPacket(answer, answer.length, in.getSocketAddress()));
                    }
                } catch (IOException closed) {
                    // the replica was closed
                }
            }, "replica-" + name);
            answering.setDaemon(true);
            answering.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            answering.join(2000);
        }
    }
}
