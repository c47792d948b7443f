package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.domain.command.CommandValue;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.command.WriteMode;
import io.lwm2mgw.domain.device.Lwm2mPath;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.leshan.core.LwM2m.LwM2mVersion;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttribute;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttributeModel;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttributeSet;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttributes;
import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.request.CancelCompositeObservationRequest;
import org.eclipse.leshan.core.request.CancelObservationRequest;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.CreateRequest;
import org.eclipse.leshan.core.request.DeleteRequest;
import org.eclipse.leshan.core.request.DiscoverRequest;
import org.eclipse.leshan.core.request.DownlinkDeviceManagementRequest;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ObserveCompositeRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadCompositeRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.WriteAttributesRequest;
import org.eclipse.leshan.core.request.WriteCompositeRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.registration.Registration;

/**
 * The one translation of a {@link DeviceCommand} into the Leshan request that carries it to one registered
 * device, typed by the device's object model. What cannot be sent (a value that does not fit, a composite op
 * to a 1.0 device, a cancel of an observation the gateway does not hold) is an IllegalArgumentException
 * naming why. Pure but for reading the device's observations.
 */
final class Lwm2mRequests implements DeviceCommand.Visitor<DownlinkDeviceManagementRequest<? extends LwM2mResponse>> {

    private final LeshanServer server;
    private final Registration reg;
    private final LwM2mModel model;

    Lwm2mRequests(LeshanServer server, Registration reg) {
        this.server = server;
        this.reg = reg;
        this.model = server.getModelProvider().getObjectModel(reg);
    }

    private static ContentFormat format(Optional<String> name) {
        return name.map(AutoObserveFlow::format).orElse(null);
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> read(DeviceCommand.ReadResource read) {
        return new ReadRequest(format(read.format()), read.path().toString());
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> write(DeviceCommand.WriteResource write) {
        LwM2mNode node = CommandValueMapper.writeNode(model, write.path(), write.values(), true);
        WriteRequest.Mode mode = write.mode() == WriteMode.UPDATE && write.path().depth() != 3
                || write.mode() == WriteMode.UPDATE && write.values().keySet().stream().allMatch(p -> p.depth() == 4)
                ? WriteRequest.Mode.UPDATE : WriteRequest.Mode.REPLACE;
        return new WriteRequest(mode, format(write.format()), write.path().toString(), node);
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> writeAttributes(
            DeviceCommand.WriteAttributes attributes) {
        return new WriteAttributesRequest(attributes.path().toString(), attributeSet(attributes.attributes()));
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> execute(DeviceCommand.ExecuteResource execute) {
        return new ExecuteRequest(execute.path().toString(), execute.arguments().orElse(null));
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> create(DeviceCommand.CreateInstance create) {
        Lwm2mPath target = create.path();
        Lwm2mPath instance = target.depth() == 2 ? target : Lwm2mPath.of(target.objectId(), 0);
        var resources = CommandValueMapper.resources(model, instance, create.values(), false);
        if (target.depth() == 1) {
            return new CreateRequest(format(create.format()), target.toString(), resources);
        }
        return new CreateRequest(format(create.format()), "/" + target.objectId(),
                new LwM2mObjectInstance(target.instanceId(), resources));
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> delete(DeviceCommand.DeleteInstance delete) {
        return new DeleteRequest(delete.path().toString());
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> discover(DeviceCommand.DiscoverLinks discover) {
        return new DiscoverRequest(discover.path().toString());
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> observe(DeviceCommand.ObserveResource observe) {
        return new ObserveRequest(format(observe.format()), observe.path().toString());
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> cancelObservation(
            DeviceCommand.CancelObservation cancel) {
        String path = cancel.path().toString();
        SingleObservation observation = server.getObservationService().getObservations(reg).stream()
                .filter(o -> o instanceof SingleObservation s && s.getPath().toString().equals(path))
                .map(SingleObservation.class::cast).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no observation of " + path + " on "
                        + reg.getEndpoint()));
        return new CancelObservationRequest(observation);
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> updateFirmware(DeviceCommand.UpdateFirmware c) {
        // a flow of several requests, run by the firmware package through this port, never one request
        throw new IllegalArgumentException("firmware-update is run by the firmware update flow");
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> provisionCredentials(
            DeviceCommand.ProvisionCredentials c) {
        throw new IllegalArgumentException(c.op() + " is handled by the gateway, it never reaches the device");
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> removeCredentials(
            DeviceCommand.RemoveCredentials c) {
        throw new IllegalArgumentException(c.op() + " is handled by the gateway, it never reaches the device");
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> readComposite(DeviceCommand.ReadComposite read) {
        composite(read);
        ContentFormat format = compositeFormat(read.format());
        return new ReadCompositeRequest(format, format, strings(read.paths()));
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> writeComposite(
            DeviceCommand.WriteComposite write) {
        composite(write);
        Map<LwM2mPath, LwM2mNode> nodes = new LinkedHashMap<>();
        write.values().forEach((path, value) -> {
            // each value typed and checked for writability as a single-path write of it would be
            Map<Lwm2mPath, CommandValue> one = Map.of(path, value);
            nodes.put(new LwM2mPath(path.toString()), CommandValueMapper.writeNode(model, path, one, true));
        });
        return new WriteCompositeRequest(compositeFormat(write.format()), nodes, null);
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> observeComposite(
            DeviceCommand.ObserveComposite observe) {
        composite(observe);
        ContentFormat format = compositeFormat(observe.format());
        return new ObserveCompositeRequest(format, format, strings(observe.paths()).toArray(String[]::new));
    }

    @Override
    public DownlinkDeviceManagementRequest<? extends LwM2mResponse> cancelCompositeObservation(
            DeviceCommand.CancelCompositeObservation cancel) {
        composite(cancel);
        CompositeObservation observation = compositeObservation(server, reg, cancel.paths())
                .orElseThrow(() -> new IllegalArgumentException("no composite observation of exactly "
                        + cancel.paths() + " on " + reg.getEndpoint()));
        return new CancelCompositeObservationRequest(observation);
    }

    /** The composite observation of exactly these paths (in any order) that the gateway holds for the device. */
    static Optional<CompositeObservation> compositeObservation(LeshanServer server, Registration reg,
            List<Lwm2mPath> paths) {
        var wanted = new HashSet<>(strings(paths));
        for (Observation o : server.getObservationService().getObservations(reg)) {
            if (o instanceof CompositeObservation c && c.getPaths().size() == wanted.size()
                    && c.getPaths().stream().map(LwM2mPath::toString).allMatch(wanted::contains)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Composite operations exist from LwM2M 1.1 on: a 1.0 device would answer 4.05 or misread them. */
    private void composite(DeviceCommand command) {
        LwM2mVersion version = reg.getLwM2mVersion();
        if (version == null || version.olderThan(LwM2mVersion.V1_1)) {
            throw new IllegalArgumentException(command.op() + " needs LwM2M 1.1: " + reg.getEndpoint()
                    + " registered with LwM2M " + (version == null ? "1.0" : version));
        }
    }

    private static ContentFormat compositeFormat(Optional<String> name) {
        return name.map(AutoObserveFlow::format).orElse(ContentFormat.SENML_CBOR);
    }

    private static List<String> strings(List<Lwm2mPath> paths) {
        List<String> list = new ArrayList<>(paths.size());
        paths.forEach(p -> list.add(p.toString()));
        return list;
    }

    private static LwM2mAttributeSet attributeSet(Map<String, Optional<BigDecimal>> attributes) {
        List<LwM2mAttribute<?>> list = new ArrayList<>();
        attributes.forEach((name, value) -> {
            switch (name) {
                case "pmin":
                    list.add(period(LwM2mAttributes.MINIMUM_PERIOD, value));
                    break;
                case "pmax":
                    list.add(period(LwM2mAttributes.MAXIMUM_PERIOD, value));
                    break;
                case "gt":
                    list.add(threshold(LwM2mAttributes.GREATER_THAN, value));
                    break;
                case "lt":
                    list.add(threshold(LwM2mAttributes.LESSER_THAN, value));
                    break;
                case "st":
                    list.add(threshold(LwM2mAttributes.STEP, value));
                    break;
                default:
                    throw new IllegalArgumentException("unknown attribute '" + name + "'");
            }
        });
        return new LwM2mAttributeSet(list);
    }

    private static LwM2mAttribute<Long> period(LwM2mAttributeModel<Long> model, Optional<BigDecimal> value) {
        if (value.isEmpty()) {
            return LwM2mAttributes.create(model);
        }
        try {
            return LwM2mAttributes.create(model, value.get().longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("attribute '" + model.getName() + "' must be whole seconds");
        }
    }

    private static LwM2mAttribute<BigDecimal> threshold(LwM2mAttributeModel<BigDecimal> model,
            Optional<BigDecimal> value) {
        return value.isEmpty() ? LwM2mAttributes.create(model) : LwM2mAttributes.create(model, value.get());
    }
}
