package io.lwm2mgw.domain.command;

import java.util.Map;

/** CoAP response codes as the contract writes them ({@code 4.04}) and what each means (RFC 7252, 7959, 8132). */
public final class CoapCodes {

    private static final Map<Integer, String> MEANINGS = Map.ofEntries(
            Map.entry(201, "Created"), Map.entry(202, "Deleted"), Map.entry(203, "Valid"),
            Map.entry(204, "Changed"), Map.entry(205, "Content"), Map.entry(231, "Continue"),
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(402, "Bad Option"),
            Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
            Map.entry(406, "Not Acceptable"), Map.entry(408, "Request Entity Incomplete"),
            Map.entry(409, "Conflict"), Map.entry(412, "Precondition Failed"),
            Map.entry(413, "Request Entity Too Large"), Map.entry(415, "Unsupported Content-Format"),
            Map.entry(422, "Unprocessable Entity"), Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"),
            Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"), Map.entry(505, "Proxying Not Supported"));

    private CoapCodes() {
    }

    /** The dotted form of a code given as class * 100 + detail: 404 is {@code 4.04}. */
    public static String dotted(int code) {
        int detail = code % 100;
        return code / 100 + "." + (detail < 10 ? "0" : "") + detail;
    }

    /** What the code means, {@code 4.04 Not Found}; the dotted form alone for a code not in the table. */
    public static String describe(int code) {
        String meaning = MEANINGS.get(code);
        return meaning == null ? dotted(code) : dotted(code) + " " + meaning;
    }
}
