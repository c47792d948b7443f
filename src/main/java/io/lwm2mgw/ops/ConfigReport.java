package io.lwm2mgw.ops;

import io.lwm2mgw.config.GatewayConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Everything wrong with the configuration in one report. SmallRye stops at what it cannot bind (a duration
 * written {@code 5 seconds}, an unknown key) and never reaches the gateway's own checks ({@link ConfigValidation});
 * so the keys it refused are set aside, the rest is bound again with their defaults, and the gateway's checks run
 * on that: the operator fixes every key in one go.
 */
public final class ConfigReport {

    /** Rounds of setting keys aside; each round sets aside at least one more key or the report ends. */
    private static final int MAX_ROUNDS = 16;

    private ConfigReport() {
    }

    /** Every problem: the ones {@code failure} names first, then those the gateway's checks find in the rest. */
    public static List<String> problems(ConfigValidationException failure, SmallRyeConfig config) {
        Set<String> problems = new LinkedHashSet<>(messages(failure));
        Set<String> setAside = new HashSet<>();
        List<String> refused = messages(failure);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            if (!setAside.addAll(keysNamedIn(refused)) && round > 0) {
                break;
            }
            try {
                GatewayConfig rest = bind(config, setAside);
                ConfigValidation.problems(rest).stream().filter(problem -> !about(problem, setAside))
                        .forEach(problems::add);
                break;
            } catch (ConfigValidationException more) {
                refused = messages(more);
                problems.addAll(refused);
            } catch (RuntimeException unbindable) {
                // what SmallRye refused already says enough; the gateway's checks need a bound configuration
                break;
            }
        }
        return new ArrayList<>(problems);
    }

    /** The first exception in {@code failure}'s chain that reports configuration problems, or null. */
    public static ConfigValidationException configurationProblems(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConfigValidationException problems) {
                return problems;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    private static List<String> messages(ConfigValidationException failure) {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < failure.getProblemCount(); i++) {
            // SmallRye prefixes the converter's exception class: the operator needs only the sentence
            messages.add(failure.getProblem(i).getMessage().replaceFirst("^(\\w+\\.)+\\w*(Exception|Error): ", ""));
        }
        return messages;
    }

    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("gateway\\.[A-Za-z0-9.\\-_\\[\\]]*[A-Za-z0-9\\]]");

    /** The gateway keys the messages name (SmallRye's messages quote the whole key). */
    static Set<String> keysNamedIn(List<String> messages) {
        Set<String> keys = new HashSet<>();
        for (String message : messages) {
            KEY.matcher(message).results().map(java.util.regex.MatchResult::group).forEach(keys::add);
        }
        return keys;
    }

    private static boolean about(String problem, Set<String> keys) {
        return keys.stream().anyMatch(key -> problem.startsWith(key + ":"));
    }

    /** The same sources with the set-aside keys hidden, so their defaults apply. */
    private static GatewayConfig bind(SmallRyeConfig config, Set<String> setAside) {
        List<ConfigSource> sources = StreamSupport.stream(config.getConfigSources().spliterator(), false)
                .map(source -> (ConfigSource) new Hiding(source, setAside)).toList();
        return new SmallRyeConfigBuilder()
                .withSources(sources)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withValidateUnknown(false)
                .withMapping(GatewayConfig.class)
                .build()
                .getConfigMapping(GatewayConfig.class);
    }

    /** A source without the keys set aside; the mapping's own defaults stay visible. */
    private record Hiding(ConfigSource source, Set<String> hidden) implements ConfigSource {

        @Override
        public Set<String> getPropertyNames() {
            Set<String> names = new HashSet<>(source.getPropertyNames());
            names.removeAll(hidden);
            return names;
        }

        @Override
        public String getValue(String name) {
            return hidden.contains(name) ? null : source.getValue(name);
        }

        @Override
        public String getName() {
            return source.getName();
        }

        @Override
        public int getOrdinal() {
            return source.getOrdinal();
        }
    }
}
