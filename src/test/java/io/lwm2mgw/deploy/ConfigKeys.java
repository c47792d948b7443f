package io.lwm2mgw.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every {@code GATEWAY_*} variable the manifests set (ConfigMap keys and container env) must be a property of
 * the gateway's typed configuration ({@code io.lwm2mgw.config}), found by reflection, so a misspelt key, which
 * SmallRye would silently ignore, fails the test; {@code QUARKUS_REDIS_*} needs the Redis client among the
 * dependencies. Other namespaces (Quarkus's own, Kafka's, the JVM's) belong to their libraries and are not
 * checked here.
 */
final class ConfigKeys {

    /**
     * Keys announced by issue 14 that the manifests already set but the code does not have yet, each with the
     * part that adds it. Keep this list small: {@code announced_keys_are_not_in_the_code_yet} fails as soon as
     * a key lands in the code, so that it is taken off here and checked like every other key.
     */
    static final Map<String, String> ANNOUNCED = Map.of();

    private ConfigKeys() {
    }

    static List<String> problems(List<? extends JsonNode> resources, JsonNode container) {
        Set<String> set = new java.util.TreeSet<>(Resources.configuration(resources).keySet());
        container.path("env").forEach(e -> set.add(e.path("name").asText()));
        List<String> problems = new ArrayList<>();
        for (String key : set) {
            if ((key.startsWith("GATEWAY_") || key.startsWith("QUARKUS_REDIS_")) && !known(key)
                    && !ANNOUNCED.containsKey(key)) {
                problems.add("configuration: " + key + " is no property of the gateway's configuration "
                        + (key.startsWith("QUARKUS_REDIS_") ? "(quarkus-redis-client is not a dependency)"
                        : "(io.lwm2mgw.config)") + ": misspelt, or announced without being listed");
            }
        }
        return problems;
    }

    /** Whether the code knows the variable today. */
    static boolean known(String env) {
        if (env.startsWith("QUARKUS_REDIS_")) {
            try {
                return Files.readString(Path.of("pom.xml")).contains("<artifactId>quarkus-redis-client</artifactId>");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return EXACT.contains(env) || PREFIXES.stream().anyMatch(env::startsWith);
    }

    private static final Set<String> EXACT = new HashSet<>();
    private static final Set<String> PREFIXES = new HashSet<>();

    static {
        collect(io.lwm2mgw.config.GatewayConfig.class, "gateway", EXACT, PREFIXES, new ArrayList<>());
    }

    /**
     * The environment variables of every configuration key that names a folder the gateway writes to (a
     * {@code Path} whose default is relative, {@code data/...}), found in the typed configuration itself, so
     * a new store cannot be forgotten in the manifests.
     */
    static List<String> writableDirectoryKeys() {
        List<String> keys = new ArrayList<>();
        collect(io.lwm2mgw.config.GatewayConfig.class, "gateway", new HashSet<>(), new HashSet<>(), keys);
        return keys;
    }

    /** Fills the variables of every leaf property, the prefixes of lists and maps, and the writable folders. */
    private static void collect(Class<?> type, String prefix, Set<String> exact, Set<String> prefixes,
            List<String> folders) {
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() != 0 || m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            WithName named = m.getAnnotation(WithName.class);
            String key = prefix + "." + (named != null ? named.value()
                    : m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase());
            String env = key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
            Class<?> raw = m.getReturnType();
            Class<?> element = element(m.getGenericReturnType());
            if (isConfig(raw)) {
                collect(raw, key, exact, prefixes, folders);
            } else if (List.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw)) {
                // list elements and map entries: GATEWAY_X_RULES_0__PATH, GATEWAY_X_MAP_NAME
                exact.add(env);
                prefixes.add(env + "_");
            } else if (raw == java.util.Optional.class && isConfig(element)) {
                collect(element, key, exact, prefixes, folders);
            } else {
                exact.add(env);
                WithDefault fallback = m.getAnnotation(WithDefault.class);
                if (raw == Path.class && fallback != null && fallback.value().startsWith("data/")) {
                    folders.add(env);
                }
            }
        }
    }

    private static boolean isConfig(Class<?> type) {
        return type != null && type.isInterface() && type.getPackageName().equals("io.lwm2mgw.config");
    }

    private static Class<?> element(Type type) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
            return c;
        }
        return null;
    }
}
