package io.lwm2mgw.domain.firmware;

/** How the image reaches the device (spec E.6: Package /5/0/0 versus Package URI /5/0/1). */
public enum FirmwareDelivery {
    /** The gateway writes the image into /5/0/0 with CoAP block-wise transfer. */
    PUSH,
    /** The gateway writes a URI into /5/0/1 and serves the image there; the device downloads it. */
    PULL,
    /** Decided per device from Delivery Method /5/0/9 and Protocol Support /5/0/8. */
    AUTO
}
