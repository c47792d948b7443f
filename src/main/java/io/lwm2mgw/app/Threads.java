package io.lwm2mgw.app;

import java.util.concurrent.ThreadFactory;

/** Thread factories for the gateway's own threads: named for thread dumps, daemon so they never hold the JVM. */
final class Threads {

    private Threads() {
    }

    static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
