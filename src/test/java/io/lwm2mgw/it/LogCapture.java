package io.lwm2mgw.it;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * The gateway's log records as they are logged in this JVM (JBoss LogManager's root logger), each with its
 * formatted message and the MDC of the thread that logged it. Attach for the span of a test; close detaches.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    /** One record: logger name, level, formatted message, MDC fields (empty map when none). */
    public record Line(String logger, Level level, String message, Map<String, String> mdc) {

        @Override
        public String toString() {
            return level + " [" + logger + "] " + message + " " + mdc;
        }
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private LogCapture() {
        setLevel(Level.ALL);
    }

    /** Starts capturing every record that passes its logger's level. */
    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            lines.add(new Line(String.valueOf(ext.getLoggerName()), ext.getLevel(), ext.getFormattedMessage(),
                    java.util.Collections.unmodifiableMap(new java.util.HashMap<>(ext.getMdcCopy()))));
        } else {
            lines.add(new Line(String.valueOf(record.getLoggerName()), record.getLevel(),
                    new java.util.logging.SimpleFormatter().formatMessage(record), Map.of()));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
