package io.lwm2mgw.northbound;

import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Formats and parses every MQTT topic of the northbound contract. No other class builds a topic string.
 * An endpoint name becomes one topic level: {@code %}, {@code /}, {@code +}, {@code #} and every byte
 * outside printable ASCII are percent-encoded (UTF-8).
 */
public final class TopicScheme {

    private final String root;

    public TopicScheme(String root) {
        if (root.isEmpty() || root.contains("+") || root.contains("#") || root.endsWith("/")) {
            throw new IllegalArgumentException("invalid MQTT topic root '" + root + "'");
        }
        this.root = root;
    }

    public String root() {
        return root;
    }

    /** {@code {root}/{ep}/status} */
    public String status(EndpointName endpoint) {
        return root + "/" + encodeLevel(endpoint.value()) + "/status";
    }

    /** {@code {root}/{ep}/events/{kind}} */
    public String event(EndpointName endpoint, String kind) {
        return root + "/" + encodeLevel(endpoint.value()) + "/events/" + kind;
    }

    /** {@code {root}/{ep}/data/{path without leading slash}} */
    public String data(EndpointName endpoint, Lwm2mPath path) {
        return root + "/" + encodeLevel(endpoint.value()) + "/data" + path;
    }

    /** {@code {root}/{ep}/results/{op}} */
    public String result(EndpointName endpoint, String op) {
        return root + "/" + encodeLevel(endpoint.value()) + "/results/" + op;
    }

    /** {@code {root}/{ep}/commands/{op}}, where applications send commands. */
    public String command(EndpointName endpoint, String op) {
        return root + "/" + encodeLevel(endpoint.value()) + "/commands/" + op;
    }

    /** {@code {root}/gateway/{id}/status}, retained online/offline. */
    public String gatewayStatus(String gatewayId) {
        return root + "/gateway/" + encodeLevel(gatewayId) + "/status";
    }

    /** Where a campaign's status goes: {@code {root}/campaigns/{id}/status}, retained. */
    public String campaignStatus(String campaignId) {
        return root + "/" + CAMPAIGNS + "/" + encodeLevel(campaignId) + "/status";
    }

    /** The subscription filter matching campaign starts and cancels. */
    public String campaignFilter() {
        return root + "/" + CAMPAIGNS + "/+/+";
    }

    /**
     * Parses {@code {root}/campaigns/{id}/start} or {@code .../cancel}; empty for any other topic. The level
     * {@code campaigns} is reserved: no device may be named so.
     */
    public Optional<CampaignTopic> parseCampaign(String topic) {
        String prefix = root + "/" + CAMPAIGNS + "/";
        if (!topic.startsWith(prefix)) {
            return Optional.empty();
        }
        String[] levels = topic.substring(prefix.length()).split("/", -1);
        if (levels.length != 2 || levels[0].isEmpty() || !(levels[1].equals("start") || levels[1].equals("cancel"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CampaignTopic(decodeLevel(levels[0]), levels[1]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The topic level under which campaigns live, reserved as an endpoint name. */
    public static final String CAMPAIGNS = "campaigns";

    /** A campaign topic, parsed: {@code action} is {@code start} or {@code cancel}. */
    public record CampaignTopic(String campaignId, String action) { }

    /**
     * {@code filter} as an MQTT 5 shared subscription of {@code group} ({@code $share/{group}/{filter}}): the
     * broker hands each message to one member of the group.
     */
    public static String shared(String group, String filter) {
        if (group.isEmpty() || group.contains("/") || group.contains("+") || group.contains("#")) {
            throw new IllegalArgumentException("a shared subscription group may not be empty or hold / + #: '"
                    + group + "'");
        }
        return "$share/" + group + "/" + filter;
    }

    /** The default shared subscription group of the gateways under this root. */
    public String defaultSharedGroup() {
        return "lwm2m-gateway-" + root.replaceAll("[/+#]", "-");
    }

    /** The subscription filter matching every command topic. */
    public String commandFilter() {
        return root + "/+/commands/+";
    }

    /** Whether a topic is the topic root or lies under it: the gateway's own namespace. */
    public boolean isUnderRoot(String topic) {
        return topic.equals(root) || topic.startsWith(root + "/");
    }

    /**
     * Whether a topic name matches an MQTT topic filter ({@code +} one level, {@code #} the rest, MQTT 5 section
     * 4.7); a topic starting with {@code $} is not matched by a wildcard in the first level.
     */
    public static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /** Why a string is not a valid MQTT topic filter (MQTT 5 section 4.7.1), empty when it is one. */
    public static Optional<String> filterProblem(String filter) {
        if (filter.isEmpty()) {
            return Optional.of("must not be empty");
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return Optional.of("# must be a whole level and the last one");
            }
            if (level.contains("+") && !level.equals("+")) {
                return Optional.of("+ must be a whole level");
            }
        }
        return Optional.empty();
    }

    /** Parses {@code {root}/{ep}/commands/{op}}; empty when the topic is not a command topic. */
    public Optional<CommandTopic> parseCommand(String topic) {
        String prefix = root + "/";
        if (!topic.startsWith(prefix)) {
            return Optional.empty();
        }
        String[] levels = topic.substring(prefix.length()).split("/", -1);
        if (levels.length != 3 || !levels[1].equals("commands") || levels[2].isEmpty() || levels[0].isEmpty()
                || levels[0].equals(CAMPAIGNS)) {
            return Optional.empty();
        }
        try {
            String endpoint = decodeLevel(levels[0]);
            if (endpoint.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                return Optional.empty(); // no device can register such a name (RegistrationGuard refuses it)
            }
            if (!encodeLevel(endpoint).equals(levels[0])) {
                // only the canonical spelling: dev%2D1 or a%2fb would otherwise be a second topic for one device
                return Optional.empty();
            }
            return Optional.of(new CommandTopic(EndpointName.of(endpoint), levels[2]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * For a topic of command shape ({@code {root}/{level}/commands/{op}}) that {@link #parseCommand} refuses:
     * whom to answer and why. The endpoint is the decoded name when the level only lacks its canonical spelling
     * ({@code dev%2D1}), else the raw level itself (so {@code %ZZ} is answered on {@code {root}/%25ZZ/results/op}).
     * Empty for any other topic, and for an empty level, which no endpoint name can stand for.
     */
    public Optional<RefusedCommandTopic> refusedCommand(String topic) {
        String prefix = root + "/";
        if (!topic.startsWith(prefix) || parseCommand(topic).isPresent()) {
            return Optional.empty();
        }
        String[] levels = topic.substring(prefix.length()).split("/", -1);
        if (levels.length != 3 || !levels[1].equals("commands") || levels[0].isEmpty()) {
            return Optional.empty();
        }
        String level = levels[0];
        EndpointName raw = EndpointName.of(level);
        if (level.equals(CAMPAIGNS)) {
            return Optional.of(new RefusedCommandTopic(raw, levels[2], "the endpoint name '" + CAMPAIGNS
                    + "' is reserved for firmware campaigns"));
        }
        String endpoint;
        try {
            endpoint = decodeLevel(level);
        } catch (IllegalArgumentException e) {
            return Optional.of(new RefusedCommandTopic(raw, levels[2], "endpoint level: " + e.getMessage()));
        }
        if (endpoint.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.of(new RefusedCommandTopic(raw, levels[2],
                    "endpoint level '" + level + "' decodes to a name with a control character"));
        }
        return Optional.of(new RefusedCommandTopic(EndpointName.of(endpoint), levels[2], "endpoint level '" + level
                + "' is not the canonical spelling; use " + command(EndpointName.of(endpoint), levels[2])));
    }

    /** A command topic {@link #parseCommand} refuses: the endpoint and op to answer under, and the reason. */
    public record RefusedCommandTopic(EndpointName endpoint, String op, String problem) { }

    /** Parses a data topic back into endpoint and path; empty when the topic is not a data topic. */
    public Optional<DataTopic> parseData(String topic) {
        String prefix = root + "/";
        if (!topic.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = topic.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || !rest.startsWith("data/", slash + 1)) {
            return Optional.empty();
        }
        try {
            EndpointName ep = EndpointName.of(decodeLevel(rest.substring(0, slash)));
            return Optional.of(new DataTopic(ep, Lwm2mPath.parse(rest.substring(slash + "/data".length() + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A command topic, parsed. */
    public record CommandTopic(EndpointName endpoint, String op) { }

    /** A data topic, parsed. */
    public record DataTopic(EndpointName endpoint, Lwm2mPath path) { }

    static String encodeLevel(String raw) {
        StringBuilder sb = new StringBuilder(raw.length());
        for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '%' || c == '/' || c == '+' || c == '#' || c < 0x21 || c > 0x7e) {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    static String decodeLevel(String level) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(level.length());
        int i = 0;
        while (i < level.length()) {
            int percent = level.indexOf('%', i);
            int end = percent < 0 ? level.length() : percent;
            out.writeBytes(level.substring(i, end).getBytes(StandardCharsets.UTF_8));
            if (percent < 0) {
                break;
            }
            if (percent + 2 >= level.length()) {
                throw new IllegalArgumentException("truncated percent escape in '" + level + "'");
            }
            int hi = hexDigit(level.charAt(percent + 1));
            int lo = hexDigit(level.charAt(percent + 2));
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("bad percent escape in '" + level + "'");
            }
            out.write(hi << 4 | lo);
            i = percent + 3;
        }
        try {
            // strict: different topics must never decode to the same endpoint name
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("percent escapes in '" + level + "' are not UTF-8");
        }
    }

    /** An ASCII hex digit's value, -1 for anything else (Character.digit accepts non-ASCII digits). */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        } else if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        } else if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
