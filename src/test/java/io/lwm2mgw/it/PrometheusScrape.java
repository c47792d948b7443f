package io.lwm2mgw.it;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A gateway's {@code /q/metrics}, read as Prometheus does. */
final class PrometheusScrape {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private PrometheusScrape() {
    }

    /** One scrape: the whole exposition text. */
    static String body(URL metrics) throws IOException, InterruptedException, URISyntaxException {
        return HTTP.send(HttpRequest.newBuilder(metrics.toURI()).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /**
     * The value of one series of a scrape, named with its labels as the exposition writes them
     * ({@code northbound_connected{sink="mqtt"}}); fails when the scrape has no such series.
     */
    static double value(String body, String series) {
        return body.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError(series + " not in /q/metrics"));
    }

    /** The value of one series in a fresh scrape of {@code metrics}. */
    static double value(URL metrics, String series) throws IOException, InterruptedException, URISyntaxException {
        return value(body(metrics), series);
    }
}
