package io.lwm2mgw.storage;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which file stores cannot write right now, and why. Each store reports its own failures and recoveries;
 * readiness turns DOWN while any store fails, since the gateway would then lose state on a restart.
 * Thread-safe.
 */
@Singleton
public class StoreHealth {

    private final Map<String, String> failing = new ConcurrentHashMap<>();

    /** {@code store} (a short name, e.g. "registrations") cannot write: {@code reason} is for operators. */
    public void failing(String store, String reason) {
        failing.put(store, reason);
    }

    /** {@code store} writes again. */
    public void recovered(String store) {
        failing.remove(store);
    }

    /** The failing stores with their reasons, sorted by name; empty when every store writes. */
    public Map<String, String> failures() {
        return new TreeMap<>(failing);
    }
}
