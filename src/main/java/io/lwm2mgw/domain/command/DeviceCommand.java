package io.lwm2mgw.domain.command;

import io.lwm2mgw.domain.device.Lwm2mPath;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One LwM2M operation a device is asked to perform. The southbound maps every variant to exactly one Leshan
 * request in one place; a new variant is not done until it is mapped there. The two credential variants are
 * the exception: they change what the gateway accepts from the device and never reach it.
 */
public sealed interface DeviceCommand {

    /** The path the operation targets. */
    Lwm2mPath path();

    /** The contract's name of the operation ({@code read}, {@code write-attributes}, ...). */
    String op();

    /**
     * Whether sending it twice does what sending it once does. One that is not (execute, create, delete) is
     * not sent again after the gateway stopped while it was in flight, unless the request says {@code retry}.
     */
    default boolean idempotent() {
        return true;
    }

    /**
     * Dispatches on the variant. A translation of commands (to Leshan requests, to stored records, to metrics)
     * implements this, so that a new variant does not compile until every translation handles it.
     */
    <R> R accept(Visitor<R> visitor);

    /** One method per variant; see {@link #accept}. */
    interface Visitor<R> {
        R read(ReadResource command);

        R write(WriteResource command);

        R writeAttributes(WriteAttributes command);

        R execute(ExecuteResource command);

        R create(CreateInstance command);

        R delete(DeleteInstance command);

        R discover(DiscoverLinks command);

        R observe(ObserveResource command);

        R updateFirmware(UpdateFirmware command);

        R provisionCredentials(ProvisionCredentials command);

        R removeCredentials(RemoveCredentials command);

        R cancelObservation(CancelObservation command);

        R readComposite(ReadComposite command);

        R writeComposite(WriteComposite command);

        R observeComposite(ObserveComposite command);

        R cancelCompositeObservation(CancelCompositeObservation command);
    }

    /**
     * An operation on several paths at once (LwM2M 1.1 composite operations, spec 1.1 6.3.8, 6.3.9, 6.4.3, 6.4.4).
     * Its {@link #path()} is the root; {@link #paths()} are the targets, in the order the command gave them.
     */
    sealed interface Composite extends DeviceCommand {
        /** The targets, each validated like the path of its single-path op. */
        java.util.List<Lwm2mPath> paths();

        default Lwm2mPath path() {
            return Lwm2mPath.of();
        }
    }

    /** Read-Composite: the current values of every path. */
    record ReadComposite(java.util.List<Lwm2mPath> paths, Optional<String> format) implements Composite {
        public ReadComposite {
            paths = java.util.List.copyOf(paths);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.readComposite(this);
        }

        public String op() {
            return "read-composite";
        }
    }

    /** Write-Composite: values by full resource or resource-instance path, written in one request. */
    record WriteComposite(Map<Lwm2mPath, CommandValue> values, Optional<String> format) implements Composite {
        public WriteComposite {
            values = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(values));
        }

        public java.util.List<Lwm2mPath> paths() {
            return java.util.List.copyOf(values.keySet());
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.writeComposite(this);
        }

        public String op() {
            return "write-composite";
        }
    }

    /** Observe-Composite: the result carries the current values, later ones flow as composite notifications. */
    record ObserveComposite(java.util.List<Lwm2mPath> paths, Optional<String> format) implements Composite {
        public ObserveComposite {
            paths = java.util.List.copyOf(paths);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.observeComposite(this);
        }

        public String op() {
            return "observe-composite";
        }
    }

    /** Cancel Observation-Composite, actively: {@code paths} name the composite observation (in any order). */
    record CancelCompositeObservation(java.util.List<Lwm2mPath> paths) implements Composite {
        public CancelCompositeObservation {
            paths = java.util.List.copyOf(paths);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.cancelCompositeObservation(this);
        }

        public String op() {
            return "cancel-observe-composite";
        }
    }

    /** Read (spec 5.4.1). */
    record ReadResource(Lwm2mPath path, Optional<String> format) implements DeviceCommand {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.read(this);
        }

        public String op() {
            return "read";
        }
    }

    /**
     * Write (spec 5.4.3) of one resource, several resources of an instance, or resource instances.
     *
     * @param values by full path, each at or below {@code path}
     */
    record WriteResource(Lwm2mPath path, WriteMode mode, Map<Lwm2mPath, CommandValue> values,
            Optional<String> format) implements DeviceCommand {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.write(this);
        }

        public WriteResource {
            values = Map.copyOf(values);
            Objects.requireNonNull(mode);
        }

        public String op() {
            return "write";
        }
    }

    /**
     * Write-Attributes (spec 5.4.4).
     *
     * @param attributes by name ({@code pmin}, {@code pmax}, {@code gt}, {@code lt}, {@code st}); an empty
     *                   value removes the attribute
     */
    record WriteAttributes(Lwm2mPath path, Map<String, Optional<BigDecimal>> attributes) implements DeviceCommand {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.writeAttributes(this);
        }

        public WriteAttributes {
            attributes = Map.copyOf(attributes);
        }

        public String op() {
            return "write-attributes";
        }
    }

    /** Execute (spec 5.4.5), with optional arguments such as {@code 0='on',1}. */
    record ExecuteResource(Lwm2mPath path, Optional<String> arguments) implements DeviceCommand {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.execute(this);
        }

        @Override
        public boolean idempotent() {
            return false;
        }

        public String op() {
            return "execute";
        }
    }

    /**
     * Create (spec 5.4.6): {@code path} is the object (the device picks the instance id) or the new instance.
     *
     * @param values by full path of the new instance's resources
     */
    record CreateInstance(Lwm2mPath path, Map<Lwm2mPath, CommandValue> values, Optional<String> format)
            implements DeviceCommand {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.create(this);
        }

        public CreateInstance {
            values = Map.copyOf(values);
        }

        @Override
        public boolean idempotent() {
            return false;
        }

        public String op() {
            return "create";
        }
    }

    /** Delete (spec 5.4.7) of an object instance. */
    record DeleteInstance(Lwm2mPath path) implements DeviceCommand {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.delete(this);
        }

        @Override
        public boolean idempotent() {
            return false;
        }

        public String op() {
            return "delete";
        }
    }

    /** Discover (spec 5.4.2): the links below {@code path} with their attributes. */
    record DiscoverLinks(Lwm2mPath path) implements DeviceCommand {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.discover(this);
        }

        public String op() {
            return "discover";
        }
    }

    /** Observe (spec 5.5.1): the result carries the current values, later ones flow as notifications. */
    record ObserveResource(Lwm2mPath path, Optional<String> format) implements DeviceCommand {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.observe(this);
        }

        public String op() {
            return "observe";
        }
    }

    /**
     * A whole firmware update through the Firmware Update object (spec E.6): deliver the image, then
     * optionally execute Update. Not one request but a flow; the router hands it to the firmware flow.
     *
     * @param image         where the image comes from
     * @param delivery      push, pull, or chosen from the device's own resources
     * @param executeUpdate whether to execute /5/0/2 once the device reports Downloaded
     */
    record UpdateFirmware(io.lwm2mgw.domain.firmware.FirmwareImageSource image,
            io.lwm2mgw.domain.firmware.FirmwareDelivery delivery, boolean executeUpdate) implements DeviceCommand {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.updateFirmware(this);
        }

        public UpdateFirmware {
            Objects.requireNonNull(image);
            Objects.requireNonNull(delivery);
        }

        public Lwm2mPath path() {
            return Lwm2mPath.parse("/5/0");
        }

        public String op() {
            return "firmware-update";
        }
    }

    /** Provisions (adds or replaces) the credentials the device must present (spec 7.1.5); handled by the gateway. */
    record ProvisionCredentials(CredentialSpec credentials) implements DeviceCommand {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.provisionCredentials(this);
        }

        public ProvisionCredentials {
            Objects.requireNonNull(credentials);
        }

        /** The root: credentials belong to the device as a whole. */
        public Lwm2mPath path() {
            return Lwm2mPath.of();
        }

        public String op() {
            return "credentials-put";
        }
    }

    /** Removes provisioned credentials; handled by the gateway. */
    record RemoveCredentials() implements DeviceCommand {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.removeCredentials(this);
        }

        public Lwm2mPath path() {
            return Lwm2mPath.of();
        }

        public String op() {
            return "credentials-delete";
        }
    }

    /** Cancel Observation (spec 5.5.2), actively towards the device. */
    record CancelObservation(Lwm2mPath path) implements DeviceCommand {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.cancelObservation(this);
        }

        public String op() {
            return "cancel-observe";
        }
    }
}
