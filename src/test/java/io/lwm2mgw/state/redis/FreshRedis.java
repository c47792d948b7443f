package io.lwm2mgw.state.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link RedisServerProcess} for a test class, emptied before each test:
 * {@code @RegisterExtension static final FreshRedis REDIS = new FreshRedis();}.
 */
public final class FreshRedis implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private Path folder;
    private RedisServerProcess server;

    public RedisServerProcess server() {
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        folder = Files.createTempDirectory("test-redis");
        server = RedisServerProcess.start(folder);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server.call().call("FLUSHALL");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        server.close();
        try (var files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
