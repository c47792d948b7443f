package io.lwm2mgw;

import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Every test's Awaitility looks at its condition at once, then after 5, 10, 20 ... ms, at most every 100 ms.
 * Awaitility's default first looks after 100 ms, so each of the suite's many awaits on something that takes
 * milliseconds cost 100 ms (BrokerOutageTest spent 8 s on 80 one-by-one notifications). Registered for every test
 * class through META-INF/services and {@code junit.jupiter.extensions.autodetection.enabled}, a system property of
 * Surefire's and Failsafe's JVMs in pom.xml. A {@code @QuarkusTest} class sees Awaitility through Quarkus' own class
 * loader, so the defaults are set on the copy the test class loads.
 */
public final class AwaitilityPolling implements BeforeAllCallback {

    static final Duration FIRST = Duration.ofMillis(5);
    static final Duration MOST = Duration.ofMillis(100);

    @Override
    public void beforeAll(ExtensionContext context) throws ReflectiveOperationException {
        ClassLoader loader = context.getRequiredTestClass().getClassLoader();
        Class<?> awaitility = Class.forName("org.awaitility.Awaitility", true, loader);
        Class<?> pollInterval = Class.forName("org.awaitility.pollinterval.PollInterval", true, loader);
        Class<?> iterative = Class.forName("org.awaitility.pollinterval.IterativePollInterval", true, loader);
        Function<Duration, Duration> doubling = previous -> {
            Duration next = previous.multipliedBy(2);
            return next.compareTo(MOST) > 0 ? MOST : next;
        };
        Object interval = iterative.getConstructor(Function.class, Duration.class).newInstance(doubling, FIRST);
        awaitility.getMethod("setDefaultPollInterval", pollInterval).invoke(null, interval);
        awaitility.getMethod("setDefaultPollDelay", Duration.class).invoke(null, Duration.ZERO);
    }
}
