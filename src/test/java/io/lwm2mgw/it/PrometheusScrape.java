package io.lwm2mgw.it;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** One scrape of a gateway's {@code /q/metrics}, read as Prometheus does. */
final class PrometheusScrape {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private PrometheusScrape() {
    }

    /** The sum of every series of {@code name} (all label sets); 0 when the gateway has none. */
    static double value(URL metrics, String name) throws IOException, InterruptedException, URISyntaxException {
        String body = HTTP.send(HttpRequest.newBuilder(metrics.toURI()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
