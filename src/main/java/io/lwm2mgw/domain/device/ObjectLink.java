package io.lwm2mgw.domain.device;

/** An LwM2M Objlnk value: object id and instance id, written {@code "3:0"}. */
public record ObjectLink(int objectId, int instanceId) {

    @Override
    public String toString() {
        return objectId + ":" + instanceId;
    }
}
