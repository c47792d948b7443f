package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.device.Lwm2mPath;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttribute;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttributeSet;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttributes;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ObserveCompositeRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.WriteAttributesRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.registration.Registration;
import org.jboss.logging.Logger;

/**
 * Applies the configured auto-observe rules to a device that registers: for each rule whose object (and
 * instance) the device announced, Write-Attributes first when the rule has attributes, then Observe. A
 * device's requests go out one after another (CoAP NSTART = 1); nothing blocks the calling thread.
 */
final class AutoObserveFlow {

    private static final Logger LOG = Logger.getLogger(AutoObserveFlow.class);

    /**
     * One rule, validated at start; {@code format} null means "let the gateway choose". A composite rule
     * observes its paths together on a 1.1 device.
     */
    record Rule(List<Lwm2mPath> paths, boolean composite, LwM2mAttributeSet attributes, ContentFormat format) {
        Rule {
            paths = List.copyOf(paths);
        }

        Rule(Lwm2mPath path, LwM2mAttributeSet attributes, ContentFormat format) {
            this(List.of(path), false, attributes, format);
        }
    }

    /** What a rule does for one device: the paths it has, observed singly or as one composite observation. */
    record Step(List<Lwm2mPath> paths, boolean composite, LwM2mAttributeSet attributes,
            ContentFormat format) {
        String label() {
            return paths.size() == 1 && !composite ? paths.get(0).toString() : paths.toString();
        }
    }

    private static final java.util.Map<String, ContentFormat> FORMATS = java.util.Map.of(
            "text", ContentFormat.TEXT, "opaque", ContentFormat.OPAQUE, "tlv", ContentFormat.TLV,
            "json", ContentFormat.JSON, "senml-json", ContentFormat.SENML_JSON,
            "senml-cbor", ContentFormat.SENML_CBOR, "cbor", ContentFormat.CBOR);

    /** The content format named in configuration or a command; IllegalArgumentException when unknown. */
    static ContentFormat format(String name) {
        ContentFormat format = FORMATS.get(name);
        if (format == null) {
            throw new IllegalArgumentException("unknown content format '" + name + "' (one of "
                    + new java.util.TreeSet<>(FORMATS.keySet()) + ")");
        }
        return format;
    }

    private final List<Rule> rules;
    private final long timeoutMillis;
    private final BiConsumer<Registration, ObserveSuccess> onObserved;
    private volatile LeshanServer server;

    /** What a successful Observe (or Observe-Composite) gives back: the observation and its first values. */
    record ObserveSuccess(LwM2mResponse response) { }

    private final io.lwm2mgw.command.DeviceLanes lanes;

    /** @param lanes every request goes through its device's lane: never two in flight to one device */
    AutoObserveFlow(List<Rule> rules, long timeoutMillis, BiConsumer<Registration, ObserveSuccess> onObserved,
            io.lwm2mgw.command.DeviceLanes lanes) {
        this.lanes = lanes;
        this.rules = List.copyOf(rules);
        this.timeoutMillis = timeoutMillis;
        this.onObserved = onObserved;
    }

    void attach(LeshanServer server) {
        this.server = server;
    }

    /** Validates and converts the configured rules; a bad rule stops start-up with a message naming it. */
    static List<Rule> rules(GatewayConfig.ObserveConfig config) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < config.rules().size(); i++) {
            GatewayConfig.ObserveRuleConfig rule = config.rules().get(i);
            String key = "gateway.observe.rules[" + i + "]";
            List<Lwm2mPath> paths = paths(key, rule);
            boolean composite = rule.paths().isPresent();
            if (paths.stream().anyMatch(path -> path.depth() < 3)
                    && (rule.greaterThan().isPresent() || rule.lessThan().isPresent() || rule.step().isPresent())) {
                throw new IllegalArgumentException(key + ": gt, lt and st apply to a resource path only");
            }
            LwM2mAttributeSet attributes;
            try {
                List<LwM2mAttribute<?>> list = new ArrayList<>();
                rule.pmin().ifPresent(v -> list.add(LwM2mAttributes.create(LwM2mAttributes.MINIMUM_PERIOD, v)));
                rule.pmax().ifPresent(v -> list.add(LwM2mAttributes.create(LwM2mAttributes.MAXIMUM_PERIOD, v)));
                rule.greaterThan().ifPresent(v -> list.add(LwM2mAttributes.create(LwM2mAttributes.GREATER_THAN, v)));
                rule.lessThan().ifPresent(v -> list.add(LwM2mAttributes.create(LwM2mAttributes.LESSER_THAN, v)));
                rule.step().ifPresent(v -> list.add(LwM2mAttributes.create(LwM2mAttributes.STEP, v)));
                attributes = new LwM2mAttributeSet(list);
                if (!attributes.isEmpty()) {
                    // the request Leshan would build at every registration: build it once now to check the set
                    new WriteAttributesRequest(paths.get(0).toString(), attributes);
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(key + ": invalid attributes: " + e.getMessage(), e);
            }
            ContentFormat format;
            try {
                format = rule.format().map(AutoObserveFlow::format).orElse(null);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ".format: " + e.getMessage());
            }
            if (composite && format != null && format != ContentFormat.SENML_CBOR && format != ContentFormat.SENML_JSON) {
                throw new IllegalArgumentException(key + ".format: a composite observation is encoded in SenML: "
                        + "senml-cbor (the default) or senml-json");
            }
            rules.add(new Rule(paths, composite, attributes, format));
        }
        return rules;
    }

    /** A rule's {@code path}, or its {@code paths}: exactly one of them, no root, none inside another. */
    private static List<Lwm2mPath> paths(String key, GatewayConfig.ObserveRuleConfig rule) {
        if (rule.path().isPresent() == rule.paths().isPresent()) {
            throw new IllegalArgumentException(key + ": give exactly one of path and paths");
        }
        List<String> texts = rule.path().map(List::of).orElseGet(() -> rule.paths().get());
        String field = rule.path().isPresent() ? ".path" : ".paths";
        List<Lwm2mPath> paths = new ArrayList<>();
        for (String text : texts) {
            Lwm2mPath path;
            try {
                path = Lwm2mPath.parse(text.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + field + ": " + e.getMessage());
            }
            if (path.depth() == 0) {
                throw new IllegalArgumentException(key + field + ": the root path cannot be observed");
            }
            for (Lwm2mPath other : paths) {
                if (path.startsWith(other) || other.startsWith(path)) {
                    throw new IllegalArgumentException(key + field + ": " + path + " and " + other + " overlap");
                }
            }
            paths.add(path);
        }
        return paths;
    }

    void onRegistered(Registration reg) {
        List<Step> steps = steps(reg);
        if (!steps.isEmpty()) {
            next(reg, steps.iterator());
        }
    }

    /**
     * The rules as requests for this device, in rule order: the paths of each rule the device has, as one
     * composite observation on a 1.1 device, one observation per path otherwise.
     */
    List<Step> steps(Registration reg) {
        boolean composite = reg.getLwM2mVersion() != null
                && !reg.getLwM2mVersion().olderThan(org.eclipse.leshan.core.LwM2m.LwM2mVersion.V1_1);
        List<Step> steps = new ArrayList<>();
        for (Rule rule : rules) {
            List<Lwm2mPath> present = rule.paths().stream().filter(path -> applies(path, reg)).toList();
            if (present.isEmpty()) {
                continue;
            }
            if (rule.composite() && composite) {
                steps.add(new Step(present, true, rule.attributes(), rule.format()));
            } else {
                ContentFormat single = rule.composite() ? null : rule.format();
                present.forEach(path -> steps.add(new Step(List.of(path), false, rule.attributes(), single)));
            }
        }
        return steps;
    }

    static boolean applies(Lwm2mPath path, Registration reg) {
        if (!reg.getSupportedObject().containsKey(path.objectId())) {
            return false;
        }
        if (path.depth() == 1) {
            return true;
        }
        return reg.getAvailableInstances().contains(new LwM2mPath(path.objectId(), path.instanceId()));
    }

    private void next(Registration reg, Iterator<Step> remaining) {
        if (!remaining.hasNext()) {
            return;
        }
        Step step = remaining.next();
        attributes(reg, step, step.attributes().isEmpty() ? List.<Lwm2mPath>of().iterator()
                : step.paths().iterator(), remaining);
    }

    /** Write-Attributes on each of the step's paths in turn (a failure is logged, not fatal), then Observe. */
    private void attributes(Registration reg, Step step, Iterator<Lwm2mPath> paths, Iterator<Step> remaining) {
        if (!paths.hasNext()) {
            observe(reg, step, remaining);
            return;
        }
        Lwm2mPath path = paths.next();
        send(reg, step, remaining, release -> server.send(reg,
                new WriteAttributesRequest(path.toString(), step.attributes()), timeoutMillis,
                response -> {
                    release.run();
                    if (!response.isSuccess()) {
                        LOG.warnf("auto-observe %s on %s: write-attributes answered %s", path, reg.getEndpoint(),
                                response.getCode());
                    }
                    attributes(reg, step, paths, remaining);
                },
                error -> {
                    release.run();
                    LOG.warnf("auto-observe %s on %s: write-attributes failed: %s", path, reg.getEndpoint(),
                            error.getMessage());
                    attributes(reg, step, paths, remaining);
                }));
    }

    /**
     * Runs one asynchronous send. Leshan throws some failures (a sleeping queue-mode device, a registration
     * gone meanwhile) synchronously instead of calling the error callback: those end the step the same way.
     */
    private void send(Registration reg, Step step, Iterator<Step> remaining,
            java.util.function.Consumer<Runnable> request) {
        lanes.submit(io.lwm2mgw.domain.device.EndpointName.of(reg.getEndpoint()), release -> {
            try {
                request.accept(release);
            } catch (RuntimeException e) {
                release.run();
                LOG.warnf("auto-observe %s on %s not sent: %s", step.label(), reg.getEndpoint(), e.getMessage());
                next(reg, remaining);
            }
        });
    }

    /**
     * The format to ask for: Leshan's default where a model types the values; for an object no model knows,
     * SenML JSON when the device announced it, because SenML carries each value's type (TLV gives only bytes).
     */
    private ContentFormat contentFormat(Registration reg, Lwm2mPath path) {
        boolean modelled = server.getModelProvider().getObjectModel(reg).getObjectModel(path.objectId()) != null;
        if (!modelled && reg.getSupportedContentFormats() != null
                && reg.getSupportedContentFormats().contains(ContentFormat.SENML_JSON)) {
            return ContentFormat.SENML_JSON;
        }
        return null;
    }

    private void observe(Registration reg, Step step, Iterator<Step> remaining) {
        send(reg, step, remaining, release -> {
            org.eclipse.leshan.core.request.DownlinkDeviceManagementRequest<? extends LwM2mResponse> request;
            if (step.composite()) {
                ContentFormat format = step.format() != null ? step.format() : ContentFormat.SENML_CBOR;
                request = new ObserveCompositeRequest(format, format,
                        step.paths().stream().map(Lwm2mPath::toString).toArray(String[]::new));
            } else {
                Lwm2mPath path = step.paths().get(0);
                request = new ObserveRequest(step.format() != null ? step.format() : contentFormat(reg, path),
                        path.toString());
            }
            sendObserve(reg, step, remaining, release, request);
        });
    }

    private <T extends LwM2mResponse> void sendObserve(Registration reg, Step step, Iterator<Step> remaining,
            Runnable release, org.eclipse.leshan.core.request.DownlinkDeviceManagementRequest<T> request) {
        server.send(reg, request, timeoutMillis,
                response -> {
                    release.run();
                    if (response.isSuccess()) {
                        onObserved.accept(reg, new ObserveSuccess(response));
                    } else {
                        LOG.warnf("auto-observe %s on %s: device answered %s", step.label(), reg.getEndpoint(),
                                response.getCode());
                    }
                    next(reg, remaining);
                },
                error -> {
                    release.run();
                    LOG.warnf("auto-observe %s on %s failed: %s", step.label(), reg.getEndpoint(),
                            error.getMessage());
                    next(reg, remaining);
                });
    }
}
