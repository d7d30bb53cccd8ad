package io.github.leaderelection.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeaseRequestMetricsTest {

    @Test
    void sumsLeaseSamplesPerVerbOverOtherLabels() {
        String text = String.join("\n",
                "# HELP apiserver_request_total [STABLE] Counter of apiserver requests",
                "# TYPE apiserver_request_total counter",
                "apiserver_request_total{code=\"200\",component=\"apiserver\",dry_run=\"\",group=\"coordination.k8s.io\","
                        + "resource=\"leases\",scope=\"resource\",subresource=\"\",verb=\"PUT\",version=\"v1\"} 3",
                "apiserver_request_total{code=\"409\",component=\"apiserver\",dry_run=\"\",group=\"coordination.k8s.io\","
                        + "resource=\"leases\",scope=\"resource\",subresource=\"\",verb=\"PUT\",version=\"v1\"} 2",
                "apiserver_request_total{code=\"200\",component=\"apiserver\",group=\"coordination.k8s.io\","
                        + "resource=\"leases\",scope=\"namespace\",verb=\"WATCH\",version=\"v1\"} 1e+00",
                "apiserver_request_total{code=\"200\",component=\"apiserver\",group=\"\",resource=\"configmaps\","
                        + "verb=\"GET\",version=\"v1\"} 7",
                "apiserver_request_duration_seconds_count{resource=\"leases\",verb=\"GET\"} 99",
                "");

        assertThat(LeaseRequestMetrics.countsByVerb(text)).containsOnly(
                org.assertj.core.api.Assertions.entry("PUT", 5L),
                org.assertj.core.api.Assertions.entry("WATCH", 1L));
    }

    @Test
    void copesWithEscapedQuotesAndBracesInLabelValues() {
        String text = "apiserver_request_total{code=\"200\",odd=\"a\\\"}b,c\",resource=\"leases\",verb=\"GET\"} 4\n";

        assertThat(LeaseRequestMetrics.countsByVerb(text)).containsEntry("GET", 4L).hasSize(1);
    }
}
