package io.lwm2mgw.api;

import io.lwm2mgw.domain.device.DeviceState;
import io.lwm2mgw.domain.device.DeviceStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The filters and paging of {@code GET /api/v1/devices}: by state, queue mode, object (has an instance of it)
 * and endpoint (a prefix, or a glob with {@code *} and {@code ?}); sorted by endpoint; {@code limit} items per
 * page and an opaque cursor to the next. Pure: parse problems are {@link IllegalArgumentException}s whose message
 * is the answer to the caller.
 */
record DeviceQuery(Optional<DeviceState> state, Optional<Boolean> queueMode, Optional<Integer> object,
        Optional<String> endpoint, int limit, Optional<String> after) {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** One page and the cursor to the next, if there are more. */
    record Page(List<DeviceStatus> items, Optional<String> nextCursor) {
    }

    /** Reads the query parameters as given (each may be null). */
    static DeviceQuery parse(String state, String queueMode, String object, String endpoint, String limit,
            String cursor) {
        Optional<DeviceState> st = blank(state) ? Optional.empty() : Optional.of(state(state));
        Optional<Boolean> qm = Optional.empty();
        if (!blank(queueMode)) {
            if (!queueMode.equals("true") && !queueMode.equals("false")) {
                throw new IllegalArgumentException("'queueMode' must be true or false, not '" + queueMode + "'");
            }
            qm = Optional.of(Boolean.parseBoolean(queueMode));
        }
        Optional<Integer> obj = Optional.empty();
        if (!blank(object)) {
            try {
                int id = Integer.parseInt(object);
                if (id < 0 || id > 65535) {
                    throw new NumberFormatException();
                }
                obj = Optional.of(id);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'object' must be an object id 0..65535, not '" + object + "'");
            }
        }
        int lim = DEFAULT_LIMIT;
        if (!blank(limit)) {
            try {
                lim = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                lim = -1;
            }
            if (lim < 1 || lim > MAX_LIMIT) {
                throw new IllegalArgumentException("'limit' must be 1.." + MAX_LIMIT + ", not '" + limit + "'");
            }
        }
        return new DeviceQuery(st, qm, obj, blank(endpoint) ? Optional.empty() : Optional.of(endpoint), lim,
                blank(cursor) ? Optional.empty() : Optional.of(decodeCursor(cursor)));
    }

    private static DeviceState state(String text) {
        for (DeviceState s : DeviceState.values()) {
            if (s.wireName().equals(text.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("'state' must be one of registered, awake, sleeping; not '" + text + "'");
    }

    Page apply(List<DeviceStatus> all) {
        Predicate<DeviceStatus> wanted = s -> true;
        if (state.isPresent()) {
            wanted = wanted.and(s -> s.state() == state.get());
        }
        if (queueMode.isPresent()) {
            wanted = wanted.and(s -> s.queueMode() == queueMode.get());
        }
        if (object.isPresent()) {
            String prefix = "/" + object.get() + "/";
            wanted = wanted.and(s -> s.objects().stream().anyMatch(o -> o.startsWith(prefix)));
        }
        if (endpoint.isPresent()) {
            wanted = wanted.and(endpointMatcher(endpoint.get()));
        }
        if (after.isPresent()) {
            String last = after.get();
            wanted = wanted.and(s -> s.endpoint().value().compareTo(last) > 0);
        }
        List<DeviceStatus> matching = new ArrayList<>(all.stream().filter(wanted).toList());
        matching.sort(Comparator.comparing(DeviceStatus::endpoint));
        if (matching.size() <= limit) {
            return new Page(matching, Optional.empty());
        }
        List<DeviceStatus> page = List.copyOf(matching.subList(0, limit));
        return new Page(page, Optional.of(encodeCursor(page.get(page.size() - 1).endpoint().value())));
    }

    /** A prefix, or a glob when the text holds {@code *} or {@code ?}. */
    static Predicate<DeviceStatus> endpointMatcher(String text) {
        if (text.indexOf('*') < 0 && text.indexOf('?') < 0) {
            return s -> s.endpoint().value().startsWith(text);
        }
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        Pattern pattern = Pattern.compile(regex.toString(), Pattern.DOTALL);
        return s -> pattern.matcher(s.endpoint().value()).matches();
    }

    static String encodeCursor(String lastEndpoint) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("e:" + lastEndpoint)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith("e:") && text.length() > 2) {
                return text.substring(2);
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new IllegalArgumentException("'cursor' is not one this API gave out");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
