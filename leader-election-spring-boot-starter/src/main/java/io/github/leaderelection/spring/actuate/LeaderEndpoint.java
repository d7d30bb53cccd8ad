package io.github.leaderelection.spring.actuate;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.ElectionStatus;
import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.election.ConfiguredLeaderElections;
import io.github.leaderelection.spring.election.LeadershipBalancing;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code leader} actuator endpoint: who holds the lease and since when, this instance's
 * state and fencing token, and the configuration the election runs with. Its write operation
 * makes this instance step down.
 *
 * <p>Read-only unless enabled: the write operation is available only with
 * {@code management.endpoint.leader.access=unrestricted} (and the endpoint exposed, e.g.
 * {@code management.endpoints.web.exposure.include=health,leader}). Over HTTP:
 * {@code GET /actuator/leader} and {@code POST /actuator/leader}.
 *
 * <p>With named elections ({@code leader.election.elections}), the answer lists each under
 * {@code elections}, {@code GET /actuator/leader/{election}} reads one, and
 * {@code POST /actuator/leader/{election}} steps one down ({@code POST /actuator/leader}: the
 * default election).
 */
@Endpoint(id = "leader", defaultAccess = Access.READ_ONLY)
public class LeaderEndpoint {

  private final LeaderElection election;
  private final ElectionConfig config;
  private final String mode;
  private final ConfiguredLeaderElections elections;
  private final LeadershipBalancing balancing;

  /**
   * @param election the election to report on and step down from
   * @param config the configuration the election runs with, or null when unknown
   * @param mode the mode the election runs in (auto resolved), e.g. "kubernetes"
   */
  public LeaderEndpoint(LeaderElection election, ElectionConfig config, String mode) {
    this(election, config, mode, null);
  }

  /**
   * @param election the default election, to report on and step down from
   * @param config the configuration the default election runs with, or null when unknown
   * @param mode the mode the elections run in (auto resolved), e.g. "kubernetes"
   * @param elections all elections, for the named ones; null for the default one only
   */
  public LeaderEndpoint(LeaderElection election, ElectionConfig config, String mode,
      @Nullable ConfiguredLeaderElections elections) {
    this(election, config, mode, elections, null);
  }

  /**
   * @param election the default election, to report on and step down from
   * @param config the configuration the default election runs with, or null when unknown
   * @param mode the mode the elections run in (auto resolved), e.g. "kubernetes"
   * @param elections all elections, for the named ones; null for the default one only
   * @param balancing the balancing of the elections ({@code leader.election.balance}), or null
   */
  public LeaderEndpoint(LeaderElection election, ElectionConfig config, String mode,
      @Nullable ConfiguredLeaderElections elections, @Nullable LeadershipBalancing balancing) {
    this.election = Objects.requireNonNull(election, "election");
    this.config = config;
    this.mode = mode;
    this.elections = elections;
    this.balancing = balancing;
  }

  /** What this instance knows about the default election, and the named ones under {@code elections}. */
  @ReadOperation
  public LeaderDescriptor leader() {
    Map<String, LeaderDescriptor> named = null;
    if (elections != null && elections.names().size() > 1) {
      named = new LinkedHashMap<>();
      for (String name : elections.names()) {
        if (!name.equals(io.github.leaderelection.spring.LeaderElections.DEFAULT)) {
          named.put(name, describe(elections.get(name), elections.config(name), null));
        }
      }
    }
    LeaderDescriptor d = describe(election, config, named);
    if (balancing == null) {
      return d;
    }
    return new LeaderDescriptor(d.holder(), d.acquireTime(), d.renewTime(), d.transitions(), d.identity(), d.state(),
        d.fencingToken(), d.lastError(), d.configuration(), d.elections(), balancing.status());
  }

  /** One election, by name ({@code default} for the default one); null (404) for an unknown name. */
  @ReadOperation
  public @Nullable LeaderDescriptor leader(@Selector String name) {
    if (name.equals(io.github.leaderelection.spring.LeaderElections.DEFAULT)) {
      return describe(election, config, null);
    }
    if (elections == null || !elections.names().contains(name)) {
      return null;
    }
    return describe(elections.get(name), elections.config(name), null);
  }

  private LeaderDescriptor describe(LeaderElection election, ElectionConfig config,
      @Nullable Map<String, LeaderDescriptor> named) {
    ElectionStatus status = election.status();
    OptionalLong token = election.fencingToken();
    return new LeaderDescriptor(
        status.holder().isEmpty() ? null : status.holder(),
        toString(status.acquireTime()),
        toString(status.renewTime()),
        status.leaseTransitions(),
        status.identity(),
        ElectionStates.of(status),
        token.isPresent() ? token.getAsLong() : null,
        status.lastError(),
        configuration(status, config), named, null);
  }

  /**
   * Gives up leadership: leader work stops, the lease is released so another instance takes
   * over at once, and this instance stays out of the race for the step-down cool-down. Waits
   * for the release, bounded by the shutdown timeout plus the renew deadline.
   */
  @WriteOperation
  public StepDownDescriptor stepDown(@Selector String election) {
    if (election.isEmpty() || election.equals(io.github.leaderelection.spring.LeaderElections.DEFAULT)) {
      return stepDown(this.election, config);
    }
    if (elections == null || !elections.names().contains(election)) {
      return new StepDownDescriptor(false, "no election named '" + election + "'; the elections are "
          + (elections == null ? "default" : String.join(", ", elections.names())));
    }
    return stepDown(elections.get(election), elections.config(election));
  }

  /** As {@link #stepDown(String)} for the default election: {@code POST /actuator/leader}, no body. */
  @WriteOperation
  public StepDownDescriptor stepDown() {
    return stepDown(this.election, config);
  }

  private static StepDownDescriptor stepDown(LeaderElection election, ElectionConfig config) {
    boolean wasLeader = election.isLeader();
    Duration wait = config != null ? config.shutdownTimeout().plus(config.renewDeadline()) : Duration.ofSeconds(30);
    try {
      boolean released = election.stepDown().get(wait.toMillis(), TimeUnit.MILLISECONDS);
      String cooldown = config != null ? ElectionStates.format(config.stepDownCooldown()) : null;
      return new StepDownDescriptor(released, released
          ? "stepped down and released the lease; not competing for " + cooldown
          : wasLeader ? "leadership ended before the step-down; not competing for " + cooldown
              : "not the leader; not competing for " + cooldown);
    } catch (TimeoutException e) {
      return new StepDownDescriptor(false, "stepping down, not finished within " + ElectionStates.format(wait));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new StepDownDescriptor(false, "interrupted while stepping down");
    } catch (ExecutionException e) {
      return new StepDownDescriptor(false, "step-down failed: " + e.getCause());
    }
  }

  private Configuration configuration(ElectionStatus status, ElectionConfig config) {
    if (config == null) {
      return new Configuration(status.leaseName(), status.namespace(), mode, null, null, null, null, null, null);
    }
    return new Configuration(config.leaseName(), config.namespace(), mode,
        ElectionStates.format(config.leaseDuration()), ElectionStates.format(config.renewDeadline()),
        ElectionStates.format(config.retryPeriod()), ElectionStates.format(config.requestTimeout()),
        ElectionStates.format(config.stepDownCooldown()), config.releaseOnShutdown());
  }

  private static String toString(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  /**
   * The election as this instance sees it.
   *
   * @param holder the lease's holder, null when nobody holds it
   * @param acquireTime when the holder acquired the lease (RFC 3339, the holder's clock)
   * @param renewTime when the holder last renewed (RFC 3339, the holder's clock)
   * @param transitions the lease's leaseTransitions
   * @param identity this instance's identity
   * @param state leader, follower, not-competing or closed
   * @param fencingToken the fencing token of this instance's term, null when not leader
   * @param lastError the last failed request since the last success, or null
   * @param configuration what the election runs with
   * @param elections the named elections, by name; null when there are none (or for one of them)
   * @param balance what balancing sees (members, this instance's quota and count); null without
   *     balancing (or for one election)
   */
  public record LeaderDescriptor(String holder, String acquireTime, String renewTime, int transitions,
      String identity, String state, Long fencingToken, String lastError, Configuration configuration,
      @Nullable Map<String, LeaderDescriptor> elections, LeadershipBalancing.@Nullable Status balance)
      implements OperationResponseBody {}

  /**
   * The configuration the election runs with; durations as in properties ("15s").
   *
   * @param leaseName the Lease's name
   * @param namespace the Lease's namespace
   * @param mode kubernetes, always-leader or never-leader (auto resolved)
   * @param leaseDuration the lease duration
   * @param renewDeadline the renew deadline
   * @param retryPeriod the retry period
   * @param requestTimeout the timeout of each API request
   * @param stepDownCooldown how long a step-down keeps this instance out of the race
   * @param releaseOnShutdown whether shutdown releases the lease
   */
  public record Configuration(String leaseName, String namespace, String mode, String leaseDuration,
      String renewDeadline, String retryPeriod, String requestTimeout, String stepDownCooldown,
      Boolean releaseOnShutdown) {}

  /**
   * The outcome of a step-down.
   *
   * @param released whether this instance was the leader and released the lease
   * @param message what happened, in words
   */
  public record StepDownDescriptor(boolean released, String message) implements OperationResponseBody {}
}
