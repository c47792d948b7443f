package io.lwm2mgw.southbound.lwm2m.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most {@code permits} per source (a {@code host:port}, one device socket) and window; what a flood from one
 * source sends beyond that is refused by the caller (not logged, not published, only counted). The sources
 * seen most recently are remembered, {@code remembered} at most, so made-up sources cannot grow it.
 * Thread-safe (one lock, held for a map look-up).
 */
public final class SourceThrottle {

    private static final class Window {
        Instant start;
        int used;

        Window(Instant start) {
            this.start = start;
        }
    }

    private final int permits;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Window> windows;

    public SourceThrottle(int permits, Duration window, Clock clock, int remembered) {
        this.permits = permits;
        this.window = window;
        this.clock = clock;
        this.windows = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > remembered;
            }
        };
    }

    /** True when {@code source} may have one more (and it is counted); false when it used its permits. */
    public boolean tryAcquire(String source) {
        Instant now = clock.instant();
        synchronized (windows) {
            Window current = windows.get(source);
            if (current == null || !now.isBefore(current.start.plus(window))) {
                current = new Window(now);
                windows.put(source, current);
            }
            if (current.used >= permits) {
                return false;
            }
            current.used++;
            return true;
        }
    }
}
