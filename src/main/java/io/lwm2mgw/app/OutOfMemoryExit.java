package io.lwm2mgw.app;

import java.util.function.IntConsumer;

/**
 * Ends the process when a thread dies of an {@link OutOfMemoryError}, in the JVM and in the native executable
 * alike: a gateway whose MQTT sender or Kafka consumer died of it stays alive but deaf, and only a restart
 * (by Kubernetes) serves its devices again. The JVM image also has {@code -XX:+ExitOnOutOfMemoryError}, which
 * catches the errors that a thread survives; this is the rule for those that kill a thread.
 */
final class OutOfMemoryExit implements Thread.UncaughtExceptionHandler {

    /** The exit status, as the JVM's own {@code -XX:+ExitOnOutOfMemoryError} gives it. */
    static final int STATUS = 3;

    private final Thread.UncaughtExceptionHandler next;
    private final IntConsumer halt;

    OutOfMemoryExit(Thread.UncaughtExceptionHandler next, IntConsumer halt) {
        this.next = next;
        this.halt = halt;
    }

    /** Installs the rule as the default handler, in front of whatever handler was there. */
    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(new OutOfMemoryExit(Thread.getDefaultUncaughtExceptionHandler(),
                status -> Runtime.getRuntime().halt(status)));
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof OutOfMemoryError) {
                // no logging framework: it may need the memory that is gone; a short line to stderr, then halt
                System.err.println("Terminating: thread " + thread.getName() + " died of " + e);
                halt.accept(STATUS);
                return;
            }
        }
        if (next != null) {
            next.uncaughtException(thread, error);
        } else {
            thread.getThreadGroup().uncaughtException(thread, error);
        }
    }
}
