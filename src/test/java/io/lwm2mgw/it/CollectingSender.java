package io.lwm2mgw.it;

import org.eclipse.leshan.client.servers.LwM2mServer;

/**
 * Leshan's ManualDataSender, but its Send waits for the answer: collected readings (each with the time it
 * was collected) go out in one Send and the caller learns the response code.
 */
final class CollectingSender implements org.eclipse.leshan.client.send.DataSender {
    static final String NAME = "collecting";
    private org.eclipse.leshan.client.send.DataSenderManager manager;
    private org.eclipse.leshan.core.node.TimestampedLwM2mNodes.Builder collected =
            org.eclipse.leshan.core.node.TimestampedLwM2mNodes.builder();

    synchronized void collect(LwM2mServer server, String... paths) {
        try {
            collected.addNodes(java.time.Instant.now(), manager.getCurrentValues(server,
                    java.util.Arrays.stream(paths).map(org.eclipse.leshan.core.node.LwM2mPath::new).toList()));
        } catch (org.eclipse.leshan.client.send.NoDataException e) {
            throw new IllegalStateException("nothing to read at " + java.util.Arrays.toString(paths), e);
        }
    }

    String send(LwM2mServer server, org.eclipse.leshan.core.request.ContentFormat format) {
        org.eclipse.leshan.core.node.TimestampedLwM2mNodes nodes;
        synchronized (this) {
            nodes = collected.build();
            collected = org.eclipse.leshan.core.node.TimestampedLwM2mNodes.builder();
        }
        try {
            var response = manager.sendData(server, format, nodes, 5000);
            return response == null ? "timeout" : response.getCode().getName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void setDataSenderManager(org.eclipse.leshan.client.send.DataSenderManager manager) {
        this.manager = manager;
    }

    @Override
    public String getName() {
        return NAME;
    }
}
