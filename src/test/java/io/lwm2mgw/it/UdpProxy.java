package io.lwm2mgw.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A NAT in a box for one device: datagrams to {@link #port()} go to the gateway from an upstream socket, answers
 * come back. {@link #changeSourcePort()} replaces the upstream socket, so the gateway sees the device at a new
 * port, as after a NAT rebinding. Counts DTLS handshake records (content type 22) the device sends.
 * {@link #cut()} drops what the gateway sends, so the device looks unreachable until {@link #reconnect()}.
 */
public final class UdpProxy implements AutoCloseable {

    private final DatagramSocket front;
    private volatile InetSocketAddress gateway;
    private volatile DatagramSocket upstream;
    private volatile SocketAddress device;
    private final AtomicInteger handshakeRecords = new AtomicInteger();
    private volatile boolean running = true;
    private volatile boolean cut;
    private final AtomicInteger dropped = new AtomicInteger();

    public UdpProxy(int gatewayPort) {
        try {
            front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            gateway = new InetSocketAddress(InetAddress.getLoopbackAddress(), gatewayPort);
            upstream = openUpstream();
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        Thread t = new Thread(this::forwardFromDevice, "udp-proxy-front");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return front.getLocalPort();
    }

    /** The port the gateway currently sees the device at. */
    int sourcePort() {
        return upstream.getLocalPort();
    }

    int handshakeRecordsFromDevice() {
        return handshakeRecords.get();
    }

    /** From now on datagrams from the gateway are dropped and counted: the device is out of reach. */
    void cut() {
        cut = true;
    }

    /** From now on datagrams from the gateway reach the device again. */
    void reconnect() {
        cut = false;
    }

    /** Datagrams from the gateway dropped while {@link #cut()}. */
    int droppedFromGateway() {
        return dropped.get();
    }

    /**
     * From now on the device's datagrams go to the gateway on {@code gatewayPort}, from the same source port: a
     * load balancer that moved the device to another replica.
     */
    public void retarget(int gatewayPort) {
        gateway = new InetSocketAddress(InetAddress.getLoopbackAddress(), gatewayPort);
    }

    /** From now on the device's datagrams reach the gateway from a new port. */
    void changeSourcePort() {
        DatagramSocket old = upstream;
        try {
            upstream = openUpstream();
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        old.close();
    }

    private DatagramSocket openUpstream() throws SocketException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(() -> forwardFromGateway(socket), "udp-proxy-upstream-" + socket.getLocalPort());
        t.setDaemon(true);
        t.start();
        return socket;
    }

    private void forwardFromDevice() {
        byte[] buffer = new byte[65536];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                front.receive(packet);
                device = packet.getSocketAddress();
                if (packet.getLength() > 0 && buffer[0] == 22) {
                    handshakeRecords.incrementAndGet();
                }
                upstream.send(new DatagramPacket(buffer, packet.getLength(), gateway));
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private void forwardFromGateway(DatagramSocket socket) {
        byte[] buffer = new byte[65536];
        while (running && !socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                SocketAddress to = device;
                if (cut) {
                    dropped.incrementAndGet();
                } else if (to != null) {
                    front.send(new DatagramPacket(buffer, packet.getLength(), to));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        front.close();
        upstream.close();
    }
}
