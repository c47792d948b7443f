package io.lwm2mgw.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One figure of a running gateway's Prometheus page ({@code /q/metrics}). */
final class GatewayMetrics {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private GatewayMetrics() {
    }

    /**
     * The value of the sample whose line starts with {@code series} (a name, with its labels if it has any:
     * {@code lwm2m_dtls_cluster_records_total{direction="forwarded-out"}}); fails when there is none.
     */
    static double value(int httpPort, String series) throws Exception {
        String page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        String labels = series.contains("{") ? series.substring(series.indexOf('{') + 1, series.length() - 1) : "";
        String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
        for (String line : page.split("\n")) {
            if (line.startsWith(name + " ") && labels.isEmpty()
                    || line.startsWith(name + "{") && line.substring(0, line.indexOf('}')).contains(labels)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sample " + series + " on /q/metrics");
    }
}
