package io.github.leaderelection.spring.election;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * Configuration of the leader election, under {@code leader.election}. The timings are
 * validated at startup (lease-duration > renew-deadline > 1.2 x retry-period, the lease
 * duration in whole seconds); an invalid value stops the application with a message naming
 * the property. Durations without a unit are seconds.
 */
@ConfigurationProperties("leader.election")
public class LeaderElectionProperties {

  /**
   * Whether to enable leader election. When false nothing of this starter is configured:
   * no election runs and @LeaderOnly has no effect (annotated methods run on every instance).
   * Use mode=never-leader instead to keep an instance out of the election.
   */
  private boolean enabled = true;

  /**
   * How leadership is decided. 'auto' elects on Kubernetes when running in a cluster or when
   * a kubeconfig is configured explicitly (KUBECONFIG or leader.election.kubeconfig), and
   * otherwise makes this instance the leader, with a warning.
   */
  private Mode mode = Mode.AUTO;

  /**
   * Name of the Lease object that instances compete for; a DNS-1123 subdomain. Defaults to
   * spring.application.name, lowercased and with other characters replaced by '-'; in the
   * always-leader and never-leader modes, 'application' when that is not set either.
   */
  private String leaseName;

  /**
   * Namespace of the Lease object. Defaults to the pod's own namespace (from the service
   * account), else the POD_NAMESPACE environment variable, else 'default'.
   */
  private String namespace;

  /**
   * Identity of this instance, written as the lease's holder. Defaults to the pod name
   * (POD_NAME or HOSTNAME) plus a short random suffix, unique per start.
   */
  private String identity;

  /**
   * How long followers wait after they last saw the lease change before taking it over.
   * A whole number of seconds, greater than renew-deadline.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration leaseDuration = Duration.ofSeconds(15);

  /**
   * How long the leader keeps acting without a successful renewal; leader work stops when
   * it passes. Less than lease-duration and greater than 1.2 x retry-period.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration renewDeadline = Duration.ofSeconds(10);

  /** How often the leader renews the lease, and the interval between retries after failures. */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration retryPeriod = Duration.ofSeconds(2);

  /**
   * Timeout of each single API request; less than renew-deadline. Defaults to half the
   * renew deadline, and at least the retry period.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration requestTimeout;

  /**
   * After a step-down, how long this instance stays out of the election. Defaults to the
   * lease duration.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration stepDownCooldown;

  /**
   * On shutdown or loss of leadership, how long to wait for running @LeaderOnly calls and
   * lost-event listeners before releasing the lease anyway. Defaults to the renew deadline.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration shutdownTimeout;

  /**
   * Whether to release the lease on shutdown, so another instance takes over at once
   * instead of after the lease duration.
   */
  private boolean releaseOnShutdown = true;

  /**
   * Whether startup blocks until this instance is the leader. Startup fails when
   * await-timeout passes first.
   */
  private boolean awaitLeadership = false;

  /** With await-leadership, how long startup waits for leadership before failing. */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration awaitTimeout = Duration.ofSeconds(60);

  /**
   * Path of a kubeconfig file for the Kubernetes API server. Setting it selects Kubernetes
   * in mode 'auto'. Ignored when the application defines an ApiClient bean. Defaults to the
   * in-cluster configuration, else KUBECONFIG, else ~/.kube/config.
   */
  private String kubeconfig;

  /**
   * Whether startup fails when the first request to the Kubernetes API server (a read of the
   * lease) gets no answer: connection refused, unknown host, TLS failure or timeout. By default
   * startup goes on, the elector keeps retrying and the health contributor reports no-contact.
   */
  private boolean failOnUnreachable = false;

  private final Events events = new Events();

  private final Health health = new Health();

  private final Balance balance = new Balance();

  /**
   * Names of Lifecycle beans (e.g. a message listener container) that run only on the leader
   * of the default election: started when this instance becomes leader, stopped (and awaited,
   * up to shutdown-timeout) before the lost event is published and before the release. Their
   * own auto-startup is switched off; a bean whose auto-startup cannot be switched off fails
   * startup.
   */
  private List<String> components = new ArrayList<>();

  /**
   * Further elections, each on its own Lease, by name: leader.election.elections.billing.*.
   * Each setting left out is the top-level leader.election one; the lease name defaults to the
   * default election's lease name plus '-' and the election's name. All elections run in the
   * namespace and with the mode of the default election.
   */
  private final Map<String, Election> elections = new LinkedHashMap<>();

  /**
   * With named elections on Kubernetes, whether all elections share one watch on the
   * namespace's Leases instead of one watch per Lease. Needs 'list' and 'watch' on 'leases'
   * without resourceNames; when refused, each election watches its own Lease, with a WARN.
   */
  private boolean sharedWatch = true;

  public boolean isSharedWatch() {
    return sharedWatch;
  }

  public void setSharedWatch(boolean sharedWatch) {
    this.sharedWatch = sharedWatch;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  public String getLeaseName() {
    return leaseName;
  }

  public void setLeaseName(String leaseName) {
    this.leaseName = leaseName;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getIdentity() {
    return identity;
  }

  public void setIdentity(String identity) {
    this.identity = identity;
  }

  public Duration getLeaseDuration() {
    return leaseDuration;
  }

  public void setLeaseDuration(Duration leaseDuration) {
    this.leaseDuration = leaseDuration;
  }

  public Duration getRenewDeadline() {
    return renewDeadline;
  }

  public void setRenewDeadline(Duration renewDeadline) {
    this.renewDeadline = renewDeadline;
  }

  public Duration getRetryPeriod() {
    return retryPeriod;
  }

  public void setRetryPeriod(Duration retryPeriod) {
    this.retryPeriod = retryPeriod;
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  public void setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  public Duration getStepDownCooldown() {
    return stepDownCooldown;
  }

  public void setStepDownCooldown(Duration stepDownCooldown) {
    this.stepDownCooldown = stepDownCooldown;
  }

  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  public void setShutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  public boolean isReleaseOnShutdown() {
    return releaseOnShutdown;
  }

  public void setReleaseOnShutdown(boolean releaseOnShutdown) {
    this.releaseOnShutdown = releaseOnShutdown;
  }

  public boolean isAwaitLeadership() {
    return awaitLeadership;
  }

  public void setAwaitLeadership(boolean awaitLeadership) {
    this.awaitLeadership = awaitLeadership;
  }

  public Duration getAwaitTimeout() {
    return awaitTimeout;
  }

  public void setAwaitTimeout(Duration awaitTimeout) {
    this.awaitTimeout = awaitTimeout;
  }

  public String getKubeconfig() {
    return kubeconfig;
  }

  public void setKubeconfig(String kubeconfig) {
    this.kubeconfig = kubeconfig;
  }

  public boolean isFailOnUnreachable() {
    return failOnUnreachable;
  }

  public void setFailOnUnreachable(boolean failOnUnreachable) {
    this.failOnUnreachable = failOnUnreachable;
  }

  public Events getEvents() {
    return events;
  }

  public List<String> getComponents() {
    return components;
  }

  public void setComponents(List<String> components) {
    this.components = components;
  }

  public Map<String, Election> getElections() {
    return elections;
  }

  public Health getHealth() {
    return health;
  }

  public Balance getBalance() {
    return balance;
  }

  /**
   * Spreading the leaderships of several elections over the instances, so that with L
   * elections on N instances each leads about L/N. Needs the shared watch and, for the
   * member Lease of each instance, 'get', 'create', 'update' and 'delete' on 'leases'
   * without resourceNames.
   */
  public static class Balance {

    /**
     * Whether to balance: each instance joins the group with a member Lease, and an instance
     * above its share releases the surplus to the instances below theirs. Off by default.
     */
    private boolean enabled = false;

    /**
     * Name of the balancing group, shared by all instances that balance together; part of
     * the member Lease names (<group>-member-<hash>). Defaults to the default election's
     * lease name.
     */
    private String group;

    /**
     * Names of the elections to balance ('default' for the default election). Empty for all
     * of them.
     */
    private List<String> elections = new ArrayList<>();

    /**
     * How long an instance that is not the planned receiver of a free lease waits before
     * taking it, so that the instance below its share gets it first. Defaults to the retry
     * period.
     */
    private Duration holdBack;

    /**
     * How long the view of members and holders must stay unchanged before an instance
     * releases surplus leases, and the least time between two such moves. Defaults to the
     * lease duration.
     */
    private Duration settleTime;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getGroup() {
      return group;
    }

    public void setGroup(String group) {
      this.group = group;
    }

    public List<String> getElections() {
      return elections;
    }

    public void setElections(List<String> elections) {
      this.elections = elections;
    }

    public Duration getHoldBack() {
      return holdBack;
    }

    public void setHoldBack(Duration holdBack) {
      this.holdBack = holdBack;
    }

    public Duration getSettleTime() {
      return settleTime;
    }

    public void setSettleTime(Duration settleTime) {
      this.settleTime = settleTime;
    }
  }

  /** Events about the election, beyond the application events, which are always published. */
  public static class Events {

    private final Kubernetes kubernetes = new Kubernetes();

    public Kubernetes getKubernetes() {
      return kubernetes;
    }

    /** Kubernetes Events on the Lease. */
    public static class Kubernetes {

      /**
       * Whether to record Kubernetes Events on the Lease when this instance becomes leader
       * or stops leading (reason 'LeaderElection'). Needs 'create' on 'events' in the lease's
       * namespace; failures are logged and never affect the election.
       */
      private boolean enabled = false;

      public boolean isEnabled() {
        return enabled;
      }

      public void setEnabled(boolean enabled) {
        this.enabled = enabled;
      }
    }
  }

  /** The 'leaderElection' health contributor (with spring-boot-health on the classpath). */
  public static class Health {

    /**
     * How long past the lease duration the leader may go without a successful renewal
     * before the health contributor reports DOWN. The elector itself stops leading at the
     * renew deadline, so only a stuck elector gets there; meant for a liveness probe.
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration renewalGrace = Duration.ofSeconds(20);

    private final Leadership leadership = new Leadership();

    public Leadership getLeadership() {
      return leadership;
    }

    /** The 'leaderElectionLeadership' health contributor. */
    public static class Leadership {

      /**
       * Whether to add the 'leaderElectionLeadership' contributor: per election, UP on its
       * leader only (OUT_OF_SERVICE elsewhere), for a health group that routes to the leader.
       * Keep it out of the readiness group: followers would never be ready and rollouts stall.
       */
      private boolean enabled = false;

      public boolean isEnabled() {
        return enabled;
      }

      public void setEnabled(boolean enabled) {
        this.enabled = enabled;
      }
    }

    public Duration getRenewalGrace() {
      return renewalGrace;
    }

    public void setRenewalGrace(Duration renewalGrace) {
      this.renewalGrace = renewalGrace;
    }
  }

  /** How leadership is decided. */
  public enum Mode {
    /** Kubernetes when in a cluster or a kubeconfig is set explicitly, else always-leader. */
    AUTO,
    /** Elect on a Kubernetes Lease. */
    KUBERNETES,
    /** This instance is always the leader (local development, single-instance deployments). */
    ALWAYS_LEADER,
    /** This instance never leads; @LeaderOnly methods are always skipped. */
    NEVER_LEADER
  }

  /**
   * One named election. Every setting left out is the top-level {@code leader.election} one,
   * so each is nullable here.
   */
  public static class Election {

    /**
     * Name of this election's Lease object. Defaults to the default election's lease name,
     * '-', and this election's name.
     */
    private String leaseName;

    /** Identity of this instance in this election. Defaults to the default election's identity. */
    private String identity;

    /** As leader.election.lease-duration, for this election. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration leaseDuration;

    /** As leader.election.renew-deadline, for this election. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration renewDeadline;

    /** As leader.election.retry-period, for this election. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration retryPeriod;

    /** As leader.election.request-timeout, for this election. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration requestTimeout;

    /** As leader.election.step-down-cooldown, for this election. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration stepDownCooldown;

    /** As leader.election.shutdown-timeout, for this election. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration shutdownTimeout;

    /** As leader.election.release-on-shutdown, for this election. */
    private Boolean releaseOnShutdown;

    /** As leader.election.await-leadership, for this election. */
    private Boolean awaitLeadership;

    /** As leader.election.await-timeout, for this election. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration awaitTimeout;

    /** As leader.election.components: Lifecycle beans that run only on this election's leader. */
    private List<String> components = new ArrayList<>();

    public String getLeaseName() {
      return leaseName;
    }

    public void setLeaseName(String leaseName) {
      this.leaseName = leaseName;
    }

    public String getIdentity() {
      return identity;
    }

    public void setIdentity(String identity) {
      this.identity = identity;
    }

    public Duration getLeaseDuration() {
      return leaseDuration;
    }

    public void setLeaseDuration(Duration leaseDuration) {
      this.leaseDuration = leaseDuration;
    }

    public Duration getRenewDeadline() {
      return renewDeadline;
    }

    public void setRenewDeadline(Duration renewDeadline) {
      this.renewDeadline = renewDeadline;
    }

    public Duration getRetryPeriod() {
      return retryPeriod;
    }

    public void setRetryPeriod(Duration retryPeriod) {
      this.retryPeriod = retryPeriod;
    }

    public Duration getRequestTimeout() {
      return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
    }

    public Duration getStepDownCooldown() {
      return stepDownCooldown;
    }

    public void setStepDownCooldown(Duration stepDownCooldown) {
      this.stepDownCooldown = stepDownCooldown;
    }

    public Duration getShutdownTimeout() {
      return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
    }

    public Boolean getReleaseOnShutdown() {
      return releaseOnShutdown;
    }

    public void setReleaseOnShutdown(Boolean releaseOnShutdown) {
      this.releaseOnShutdown = releaseOnShutdown;
    }

    public Boolean getAwaitLeadership() {
      return awaitLeadership;
    }

    public void setAwaitLeadership(Boolean awaitLeadership) {
      this.awaitLeadership = awaitLeadership;
    }

    public Duration getAwaitTimeout() {
      return awaitTimeout;
    }

    public void setAwaitTimeout(Duration awaitTimeout) {
      this.awaitTimeout = awaitTimeout;
    }

    public List<String> getComponents() {
      return components;
    }

    public void setComponents(List<String> components) {
      this.components = components;
    }
  }
}
