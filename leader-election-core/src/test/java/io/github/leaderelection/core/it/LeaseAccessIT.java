package io.github.leaderelection.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.core.KubernetesLeaseStore;
import io.github.leaderelection.core.LeaseRecord;
import io.github.leaderelection.core.LeaseStoreException;
import io.github.leaderelection.core.VersionedLease;
import io.github.leaderelection.testsupport.ApiServerHandle;
import io.github.leaderelection.testsupport.RealApiServer;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import java.time.Duration;
import java.time.Instant;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the elector needs from RBAC, what it says when it lacks it, and how it writes times. */
@RealApiServer
class LeaseAccessIT {

  private static final Pattern RENEW_TIME = Pattern.compile("\"renewTime\":\"([^\"]+)\"");

  private final ApiServerHandle server;
  private Election election;

  LeaseAccessIT(ApiServerHandle server) {
    this.server = server;
  }

  @AfterEach
  void tearDown() {
    if (election != null) {
      election.close();
    }
  }

  @Test
  void theRestrictedUserElectsWithLeaseVerbsOnly() {
    server.grantLeaseVerbs("get", "watch", "create", "update");
    election = new Election(server.namespace(), server.uniqueName("rbac"));
    Election.Member a = election.start("a", server.restrictedClient());
    Election.Member b = election.start("b", server.restrictedClient());
    await().atMost(Duration.ofSeconds(20)).until(() -> election.leader().isPresent());
    Election.Member leader = election.leader().orElseThrow();
    leader.elector().close(); // release (get + update), takeover on the watch event
    Election.Member other = leader == a ? b : a;
    await().atMost(Duration.ofSeconds(10)).until(() -> other.elector().isLeader());
    assertThat(other.elector().status().lastError()).isNull();
  }

  @Test
  void withoutUpdateTheErrorNamesTheVerbResourceNamespaceAndUser() throws Exception {
    String lease = server.uniqueName("no-update");
    KubernetesLeaseStore asAdmin = new KubernetesLeaseStore(server.adminClient(), server.namespace(), lease,
        Duration.ofSeconds(2));
    asAdmin.create(new LeaseRecord("", 1, null, null, 0)); // free: the candidate will try to update it
    server.grantLeaseVerbs("get", "watch", "create");

    KubernetesLeaseStore restricted = new KubernetesLeaseStore(server.restrictedClient(), server.namespace(), lease,
        Duration.ofSeconds(2));
    VersionedLease read = restricted.get();
    assertThatThrownBy(() -> restricted.update(read, new LeaseRecord("a", 4, null, null, 1)))
        .isInstanceOfSatisfying(LeaseStoreException.Forbidden.class, e -> {
          assertThat(e.verb()).isEqualTo("update");
          assertThat(e.namespace()).isEqualTo(server.namespace());
          assertThat(e.user()).isEqualTo(server.restrictedUser());
        })
        .hasMessageContaining("refused to update leases (coordination.k8s.io) in namespace \"" + server.namespace() + "\"")
        .hasMessageContaining("for user \"" + server.restrictedUser() + "\"");

    election = new Election(server.namespace(), lease);
    Election.Member a = election.start("a", server.restrictedClient());
    await().atMost(Duration.ofSeconds(10)).until(() -> a.elector().status().lastError() != null);
    assertThat(a.elector().status().lastError()).contains("update", "leases", server.namespace());
    assertThat(a.elector().isLeader()).isFalse();
  }

  @Test
  void renewTimeIsWrittenInUtcWithMicrosecondsWhileTheDefaultTimeZoneIsNot() throws Exception {
    TimeZone previous = TimeZone.getDefault();
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata")); // +05:30
      election = new Election(server.namespace(), server.uniqueName("tz"));
      Election.Member a = election.start("a", server.restrictedClient());
      await().atMost(Duration.ofSeconds(20)).until(() -> a.elector().isLeader());
      java.time.OffsetDateTime acquired = new CoordinationV1Api(server.adminClient())
          .readNamespacedLease(election.lease, server.namespace()).execute().getSpec().getRenewTime();
      await().atMost(Duration.ofSeconds(20)).until(() -> !new CoordinationV1Api(server.adminClient())
          .readNamespacedLease(election.lease, server.namespace()).execute().getSpec().getRenewTime().equals(acquired));

      CoordinationV1Api admin = new CoordinationV1Api(server.adminClient());
      String raw;
      try (Response response = admin.readNamespacedLease(election.lease, server.namespace())
          .buildCall(null).execute()) {
        raw = response.body().string();
      }
      Matcher m = RENEW_TIME.matcher(raw);
      assertThat(m.find()).as(raw).isTrue();
      String renewTime = m.group(1);
      assertThat(renewTime).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
      // Same machine: the written instant is our UTC now, not shifted by the zone offset.
      assertThat(Duration.between(Instant.parse(renewTime), Instant.now()).abs()).isLessThan(Duration.ofSeconds(30));
    } finally {
      TimeZone.setDefault(previous);
    }
  }
}
