package io.lwm2mgw.app;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * The Redis client is on only for {@code gateway.state.backend=redis}. This interceptor answers
 * {@value #ENABLED}, which application.properties uses for {@code quarkus.redis.active} and for the client's
 * health check, so that a gateway on the embedded backend opens no Redis connection and shows no Redis check.
 * Registered in META-INF/services, so that it sees the backend from every source, environment included, when
 * the application starts.
 */
// below the expression interceptor (3300), so that ${lwm2mgw.redis.enabled} in another property reaches it
@Priority(Priorities.LIBRARY + 250)
public class RedisSwitch implements ConfigSourceInterceptor {

    private static final long serialVersionUID = 1L;
    static final String ENABLED = "lwm2mgw.redis.enabled";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        if (ENABLED.equals(name)) {
            ConfigValue backend = context.proceed("gateway.state.backend");
            String on = String.valueOf(backend != null && "redis".equals(backend.getValue()));
            return ConfigValue.builder().withName(name).withValue(on).withRawValue(on)
                    .withConfigSourceName("redis-switch").build();
        }
        return context.proceed(name);
    }
}
