package io.lwm2mgw.it;

import java.util.Date;
import java.util.List;
import java.util.Map;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.model.ResourceModel.Operations;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.eclipse.leshan.core.response.ReadResponse;

/** The LwM2M object instances a {@link TestDevice} serves: what it reports, and what the gateway did to it. */
public final class TestDeviceInstances {

    private TestDeviceInstances() {
    }

    /** Object 3: the resources a real device reports, battery level settable by the test. */
    public static final class DeviceInstance extends BaseInstanceEnabler {
        private volatile long battery = 100;
        private volatile String utcOffset = "+01:00";
        volatile String firmwareVersion = "1.0.0";
        final java.util.concurrent.atomic.AtomicInteger reboots = new java.util.concurrent.atomic.AtomicInteger();
        volatile String lastArguments = "";

        public DeviceInstance() {
            super(0);
        }

        void setFirmwareVersion(String version) {
            firmwareVersion = version;
        }

        void setBattery(long percent) {
            battery = percent;
            fireResourceChange(9);
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            switch (resourceId) {
                case 0: return ReadResponse.success(resourceId, "Open Mobile Alliance");
                case 1: return ReadResponse.success(resourceId, "Lightweight M2M Client");
                case 2: return ReadResponse.success(resourceId, "345000123");
                case 3: return ReadResponse.success(resourceId, firmwareVersion);
                case 9: return ReadResponse.success(resourceId, battery);
                case 11: return ReadResponse.success(resourceId, Map.of(0, 0L), Type.INTEGER);
                case 13: return ReadResponse.success(resourceId, new Date(1_700_000_000_000L));
                case 14: return ReadResponse.success(resourceId, utcOffset);
                case 16: return ReadResponse.success(resourceId, "U");
                default: return super.read(server, resourceId);
            }
        }

        @Override
        public org.eclipse.leshan.core.response.WriteResponse write(LwM2mServer server, boolean replace,
                int resourceId, org.eclipse.leshan.core.node.LwM2mResource value) {
            if (resourceId == 14) {
                utcOffset = (String) value.getValue();
                fireResourceChange(14);
                return org.eclipse.leshan.core.response.WriteResponse.success();
            }
            return super.write(server, replace, resourceId, value);
        }

        @Override
        public org.eclipse.leshan.core.response.ExecuteResponse execute(LwM2mServer server, int resourceId,
                org.eclipse.leshan.core.request.argument.Arguments arguments) {
            if (resourceId == 4) {
                reboots.incrementAndGet();
                lastArguments = arguments == null ? "" : arguments.toString();
                return org.eclipse.leshan.core.response.ExecuteResponse.success();
            }
            return super.execute(server, resourceId, arguments);
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 1, 2, 3, 4, 9, 11, 13, 14, 16);
        }
    }

    /** Object 3303 (IPSO Temperature). */
    public static final class TemperatureInstance extends BaseInstanceEnabler {
        private volatile double value = 20.5;

        public TemperatureInstance() {
            super(0);
        }

        void set(double celsius) {
            value = celsius;
            fireResourceChange(5700);
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            switch (resourceId) {
                case 5700: return ReadResponse.success(resourceId, value);
                case 5701: return ReadResponse.success(resourceId, "Cel");
                default: return super.read(server, resourceId);
            }
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(5700, 5701);
        }
    }

    /** Object 3311 (IPSO Light Control): on/off and dimmer, writable; instances can be created and deleted. */
    public static final class LightInstance extends BaseInstanceEnabler {
        private volatile boolean on;
        private volatile long dimmer = 100;
        final List<Long> dimmerWrites = new java.util.concurrent.CopyOnWriteArrayList<>();

        public LightInstance() {
        }

        public LightInstance(int id) {
            super(id);
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            switch (resourceId) {
                case 5850: return ReadResponse.success(resourceId, on);
                case 5851: return ReadResponse.success(resourceId, dimmer);
                case 5701: return ReadResponse.success(resourceId, "W");
                default: return super.read(server, resourceId);
            }
        }

        @Override
        public org.eclipse.leshan.core.response.WriteResponse write(LwM2mServer server, boolean replace,
                int resourceId, org.eclipse.leshan.core.node.LwM2mResource value) {
            switch (resourceId) {
                case 5850:
                    on = (Boolean) value.getValue();
                    break;
                case 5851:
                    dimmer = (Long) value.getValue();
                    dimmerWrites.add(dimmer);
                    break;
                default:
                    return super.write(server, replace, resourceId, value);
            }
            fireResourceChange(resourceId);
            return org.eclipse.leshan.core.response.WriteResponse.success();
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(5850, 5851, 5701);
        }
    }

    /** An object no gateway model knows: a string, an integer, a float and an opaque resource. */
    public static final class MysteryInstance extends BaseInstanceEnabler {
        static final ObjectModel MODEL = new ObjectModel(TestDevice.MYSTERY_OBJECT, "Mystery", "test-only object", "1.0",
                false, false,
                new ResourceModel(0, "Text", Operations.R, false, false, Type.STRING, "", "", ""),
                new ResourceModel(1, "Count", Operations.R, false, false, Type.INTEGER, "", "", ""),
                new ResourceModel(2, "Level", Operations.R, false, false, Type.FLOAT, "", "", ""),
                new ResourceModel(3, "Blob", Operations.R, false, false, Type.OPAQUE, "", "", ""));

        private volatile String text = "hello";

        public MysteryInstance() {
            super(0);
        }

        void setText(String value) {
            text = value;
            fireResourceChange(0);
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            switch (resourceId) {
                case 0: return ReadResponse.success(resourceId, text);
                case 1: return ReadResponse.success(resourceId, 42L);
                case 2: return ReadResponse.success(resourceId, 0.5);
                case 3: return ReadResponse.success(resourceId, new byte[] {1, 2, 3});
                default: return super.read(server, resourceId);
            }
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 1, 2, 3);
        }
    }
}
