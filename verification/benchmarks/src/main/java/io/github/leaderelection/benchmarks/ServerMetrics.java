package io.github.leaderelection.benchmarks;

import io.github.leaderelection.testsupport.LocalApiServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** What the API server's /metrics says about Lease requests. */
final class ServerMetrics {

  private final LocalApiServer server;
  private final OkHttpClient http;

  ServerMetrics(LocalApiServer server) {
    this.server = server;
    this.http = server.client(server.adminToken()).getHttpClient();
  }

  /** apiserver_request_total for leases, per verb (the harness' reading). */
  Map<String, Long> requestsByVerb() {
    return server.metrics();
  }

  /**
   * Lease watches open right now ({@code apiserver_longrunning_requests}, verb WATCH): a watch
   * is counted in apiserver_request_total only when it ends, so open ones show here instead.
   */
  long openLeaseWatches() {
    Request request = new Request.Builder()
        .url(server.url().resolve("/metrics").toString())
        .header("Authorization", "Bearer " + server.adminToken())
        .build();
    try (Response response = http.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw new IOException("GET /metrics: HTTP " + response.code());
      }
      long open = 0;
      for (String line : response.body().string().split("\n")) {
        if (line.startsWith("apiserver_longrunning_requests{") && line.contains("resource=\"leases\"")
            && line.contains("verb=\"WATCH\"")) {
          String value = line.substring(line.lastIndexOf('}') + 1).trim().split("\\s+")[0];
          open += Math.round(Double.parseDouble(value));
        }
      }
      return open;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read /metrics", e);
    }
  }
}
