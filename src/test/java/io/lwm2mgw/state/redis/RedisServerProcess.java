package io.lwm2mgw.state.redis;

import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's redis-server ({@code apt-get install redis-server}) on a free loopback port, no persistence, started
 * for a test class, with a plain Vert.x Redis client as the stores' {@link RedisCall}.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final Process server;
    private final Vertx vertx = Vertx.vertx();
    private final Redis client;
    public final int port;

    private RedisServerProcess(Process server, int port) {
        this.server = server;
        this.port = port;
        this.client = Redis.createClient(vertx, "redis://127.0.0.1:" + port);
    }

    public static RedisServerProcess start(Path folder) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process server = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", folder.toString())
                .redirectErrorStream(true).redirectOutput(folder.resolve("redis.log").toFile()).start();
        RedisServerProcess redis = new RedisServerProcess(server, port);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> "PONG".equals(redis.call().call("PING")
                .toString()));
        return redis;
    }

    /** Commands sent and waited for, as the stores expect. */
    public RedisCall call() {
        return (command, args) -> {
            Request request = Request.cmd(Command.create(command));
            for (String arg : args) {
                request.arg(arg);
            }
            try {
                return client.send(request).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        };
    }

    @Override
    public void close() throws Exception {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        server.destroy();
        server.waitFor(10, TimeUnit.SECONDS);
    }
}
