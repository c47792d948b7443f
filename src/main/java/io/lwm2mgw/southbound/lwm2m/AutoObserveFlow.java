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
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.WriteAttributesRequest;
import org.eclipse.leshan.core.response.ObserveResponse;
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

    /** One rule, validated at start; {@code format} null means "let the gateway choose". */
    record Rule(Lwm2mPath path, LwM2mAttributeSet attributes, ContentFormat format) { }

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

    /** What a successful Observe gives back: the observation and its first values. */
    record ObserveSuccess(ObserveResponse response) { }

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
            Lwm2mPath path;
            try {
                path = Lwm2mPath.parse(rule.path());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ".path: " + e.getMessage());
            }
            if (path.depth() == 0) {
                throw new IllegalArgumentException(key + ".path: the root path cannot be observed");
            }
            if (path.depth() < 3
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
                    new WriteAttributesRequest(path.toString(), attributes);
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
            rules.add(new Rule(path, attributes, format));
        }
        return rules;
    }

    void onRegistered(Registration reg) {
        List<Rule> applicable = rules.stream().filter(rule -> applies(rule.path(), reg)).toList();
        if (!applicable.isEmpty()) {
            next(reg, applicable.iterator());
        }
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

    private void next(Registration reg, Iterator<Rule> remaining) {
        if (!remaining.hasNext()) {
            return;
        }
        Rule rule = remaining.next();
        if (rule.attributes().isEmpty()) {
            observe(reg, rule, remaining);
            return;
        }
        send(reg, rule, remaining, release -> server.send(reg,
                new WriteAttributesRequest(rule.path().toString(), rule.attributes()), timeoutMillis,
                response -> {
                    release.run();
                    if (!response.isSuccess()) {
                        LOG.warnf("auto-observe %s on %s: write-attributes answered %s", rule.path(),
                                reg.getEndpoint(), response.getCode());
                    }
                    observe(reg, rule, remaining);
                },
                error -> {
                    release.run();
                    LOG.warnf("auto-observe %s on %s: write-attributes failed: %s", rule.path(), reg.getEndpoint(),
                            error.getMessage());
                    observe(reg, rule, remaining);
                }));
    }

    /**
     * Runs one asynchronous send. Leshan throws some failures (a sleeping queue-mode device, a registration
     * gone meanwhile) synchronously instead of calling the error callback: those end the rule the same way.
     */
    private void send(Registration reg, Rule rule, Iterator<Rule> remaining,
            java.util.function.Consumer<Runnable> request) {
        lanes.submit(io.lwm2mgw.domain.device.EndpointName.of(reg.getEndpoint()), release -> {
            try {
                request.accept(release);
            } catch (RuntimeException e) {
                release.run();
                LOG.warnf("auto-observe %s on %s not sent: %s", rule.path(), reg.getEndpoint(), e.getMessage());
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

    private void observe(Registration reg, Rule rule, Iterator<Rule> remaining) {
        send(reg, rule, remaining, release -> server.send(reg,
                new ObserveRequest(rule.format() != null ? rule.format() : contentFormat(reg, rule.path()),
                        rule.path().toString()), timeoutMillis,
                response -> {
                    release.run();
                    if (response.isSuccess()) {
                        onObserved.accept(reg, new ObserveSuccess(response));
                    } else {
                        LOG.warnf("auto-observe %s on %s: device answered %s", rule.path(), reg.getEndpoint(),
                                response.getCode());
                    }
                    next(reg, remaining);
                },
                error -> {
                    release.run();
                    LOG.warnf("auto-observe %s on %s failed: %s", rule.path(), reg.getEndpoint(), error.getMessage());
                    next(reg, remaining);
                }));
    }
}
