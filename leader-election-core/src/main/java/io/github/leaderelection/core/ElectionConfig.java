package io.github.leaderelection.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What to elect on and how fast: the lease, this candidate's identity and the three timings.
 * Immutable; validated when built, so an elector never runs with a configuration that could
 * produce two leaders (election-semantics rule 4).
 *
 * <pre>{@code
 * ElectionConfig config = ElectionConfig.builder("orders-cleanup").build();
 * }</pre>
 */
public final class ElectionConfig {

  /** Default lease duration, as in client-go. */
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
  /** Default renew deadline, as in client-go. */
  public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
  /** Default retry period, as in client-go. */
  public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);
  /** Where Kubernetes mounts the pod's namespace (rule 21). */
  public static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private final String leaseName;
  private final String namespace;
  private final String identity;
  private final Duration leaseDuration;
  private final Duration renewDeadline;
  private final Duration retryPeriod;
  private final Duration requestTimeout;
  private final boolean releaseOnShutdown;
  private final Duration stepDownCooldown;
  private final Duration shutdownTimeout;
  private final boolean waitBeforeCreate;

  private ElectionConfig(Builder b) {
    this.leaseName = b.leaseName;
    this.namespace = b.namespace != null ? b.namespace : defaultNamespace(b.env, b.namespaceFile);
    this.identity = b.identity != null ? b.identity : defaultIdentity(b.env);
    this.leaseDuration = b.leaseDuration;
    this.renewDeadline = b.renewDeadline;
    this.retryPeriod = b.retryPeriod;
    this.requestTimeout = b.requestTimeout != null ? b.requestTimeout : defaultRequestTimeout(b);
    this.releaseOnShutdown = b.releaseOnShutdown;
    this.stepDownCooldown = b.stepDownCooldown != null ? b.stepDownCooldown : b.leaseDuration;
    this.shutdownTimeout = b.shutdownTimeout != null ? b.shutdownTimeout : b.renewDeadline;
    this.waitBeforeCreate = b.waitBeforeCreate;
    validate();
  }

  /** A builder for the lease named {@code leaseName}, with every other value at its default. */
  public static Builder builder(String leaseName) {
    return new Builder(leaseName);
  }

  /** The name of the Lease object; a DNS-1123 subdomain. */
  public String leaseName() {
    return leaseName;
  }

  /** The namespace of the Lease object. */
  public String namespace() {
    return namespace;
  }

  /** This candidate's identity, written as the lease's holderIdentity. */
  public String identity() {
    return identity;
  }

  /** How long followers wait after the last observed change before taking over (LD). */
  public Duration leaseDuration() {
    return leaseDuration;
  }

  /** How long a leader keeps acting without a successful renewal (RD). */
  public Duration renewDeadline() {
    return renewDeadline;
  }

  /** How often the leader renews, and the retry interval after failures (RP). */
  public Duration retryPeriod() {
    return retryPeriod;
  }

  /** The timeout of each single API request; always below the renew deadline. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** Whether {@code close()} releases a held lease so another candidate takes over at once. */
  public boolean releaseOnShutdown() {
    return releaseOnShutdown;
  }

  /** After {@code stepDown()}, how long this candidate stays out of the race. */
  public Duration stepDownCooldown() {
    return stepDownCooldown;
  }

  /** How long {@code close()} waits for lost-listeners before releasing anyway. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * Whether a candidate that finds the Lease missing at its first read waits one lease duration
   * before creating it. A running candidate always waits after it saw the Lease deleted (whoever
   * held it may still act); a brand-new one cannot know whether the Lease was just deleted under
   * a live leader, so by default it creates it at once. Turn this on where Leases get deleted
   * (namespace clean-ups, hand deletes) and a start delay of one lease duration is acceptable.
   */
  public boolean waitBeforeCreate() {
    return waitBeforeCreate;
  }

  /**
   * Timings that this elector accepts but that a client-go candidate sharing the same Lease could
   * not follow (rule 26): client-go notices a renewal only when renewTime, marshalled to whole
   * seconds, changes, so a retry period under one second, or less than about a second between
   * renew deadline and lease duration, can make it miss renewals and take over while this
   * candidate acts. Empty when nothing applies; the elector logs each at start.
   */
  public java.util.List<String> interoperabilityWarnings() {
    java.util.List<String> warnings = new java.util.ArrayList<>();
    if (retryPeriod.compareTo(Duration.ofSeconds(1)) < 0) {
      warnings.add("retryPeriod (" + Durations.format(retryPeriod) + ") is under 1s: a client-go candidate on"
          + " the same Lease sees renewTime in whole seconds and can miss renewals; use 1s or more if"
          + " other implementations share this Lease");
    }
    if (leaseDuration.minus(renewDeadline).compareTo(Duration.ofSeconds(1)) <= 0) {
      warnings.add("leaseDuration (" + Durations.format(leaseDuration) + ") minus renewDeadline ("
          + Durations.format(renewDeadline) + ") is 1s or less: a client-go candidate on the same Lease,"
          + " which sees renewTime in whole seconds, could take over while this leader still acts;"
          + " keep at least 2s between them if other implementations share this Lease");
    }
    return java.util.List.copyOf(warnings);
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    return new Builder(leaseName)
        .namespace(namespace)
        .identity(identity)
        .leaseDuration(leaseDuration)
        .renewDeadline(renewDeadline)
        .retryPeriod(retryPeriod)
        .requestTimeout(requestTimeout)
        .releaseOnShutdown(releaseOnShutdown)
        .stepDownCooldown(stepDownCooldown)
        .shutdownTimeout(shutdownTimeout)
        .waitBeforeCreate(waitBeforeCreate);
  }

  @Override
  public String toString() {
    return "ElectionConfig{lease=" + namespace + "/" + leaseName + ", identity=" + identity
        + ", leaseDuration=" + Durations.format(leaseDuration)
        + ", renewDeadline=" + Durations.format(renewDeadline)
        + ", retryPeriod=" + Durations.format(retryPeriod)
        + ", requestTimeout=" + Durations.format(requestTimeout)
        + ", releaseOnShutdown=" + releaseOnShutdown + "}";
  }

  private void validate() {
    requireName("leaseName", leaseName, DNS1123_SUBDOMAIN, 253,
        "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and"
            + " ending with a letter or digit, at most 253 characters");
    requireName("namespace", namespace, DNS1123_LABEL, 63,
        "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with"
            + " a letter or digit, at most 63 characters");
    if (identity == null || identity.isBlank()) {
      throw new InvalidElectionConfigException("identity", identity, "must not be empty");
    }
    requirePositive("leaseDuration", leaseDuration);
    requirePositive("renewDeadline", renewDeadline);
    requirePositive("retryPeriod", retryPeriod);
    requirePositive("requestTimeout", requestTimeout);
    if (leaseDuration.toNanosPart() != 0) {
      throw new InvalidElectionConfigException("leaseDuration", leaseDuration,
          "must be a whole number of seconds (the Lease stores leaseDurationSeconds as an integer)");
    }
    if (leaseDuration.compareTo(renewDeadline) <= 0) {
      throw new InvalidElectionConfigException("renewDeadline", renewDeadline,
          "must be less than leaseDuration (" + Durations.format(leaseDuration) + ")");
    }
    if (renewDeadline.toNanos() <= retryPeriod.toNanos() * 6 / 5) {
      throw new InvalidElectionConfigException("retryPeriod", retryPeriod,
          "must be less than renewDeadline / 1.2 (renewDeadline is "
              + Durations.format(renewDeadline) + ")");
    }
    if (requestTimeout.compareTo(renewDeadline) >= 0) {
      throw new InvalidElectionConfigException("requestTimeout", requestTimeout,
          "must be less than renewDeadline (" + Durations.format(renewDeadline)
              + ") so one slow request cannot outlast leadership");
    }
    if (stepDownCooldown.isNegative()) {
      throw new InvalidElectionConfigException("stepDownCooldown", stepDownCooldown, "must not be negative");
    }
    if (shutdownTimeout.isNegative()) {
      throw new InvalidElectionConfigException("shutdownTimeout", shutdownTimeout, "must not be negative");
    }
  }

  private static void requireName(String field, String value, Pattern pattern, int max, String rule) {
    if (value == null || value.isEmpty() || value.length() > max || !pattern.matcher(value).matches()) {
      throw new InvalidElectionConfigException(field, value, rule);
    }
  }

  private static void requirePositive(String field, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new InvalidElectionConfigException(field, value, "must be positive");
    }
  }

  private static Duration defaultRequestTimeout(Builder b) {
    if (b.renewDeadline == null || b.retryPeriod == null) {
      return null; // validation names the missing timing
    }
    // Half the renew deadline leaves room for a retry inside it, and is never below RP.
    Duration half = b.renewDeadline.dividedBy(2);
    return half.compareTo(b.retryPeriod) < 0 ? b.retryPeriod : half;
  }

  /** Rule 21: the pod's own namespace, else POD_NAMESPACE, else "default". */
  static String defaultNamespace(Function<String, String> env, Path namespaceFile) {
    try {
      if (namespaceFile != null && Files.isReadable(namespaceFile)) {
        String ns = Files.readString(namespaceFile, StandardCharsets.UTF_8).trim();
        if (!ns.isEmpty()) {
          return ns;
        }
      }
    } catch (IOException | SecurityException e) {
      // fall through to the environment: the file is only a hint
    }
    String fromEnv = env.apply("POD_NAMESPACE");
    return fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : "default";
  }

  /**
   * Rule 20: pod name plus a short random suffix, so a restarted pod with the same name never
   * inherits a term and hostNetwork pods never collide.
   */
  static String defaultIdentity(Function<String, String> env) {
    String base = firstNonBlank(env.apply("POD_NAME"), env.apply("HOSTNAME"));
    if (base == null) {
      try {
        base = java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException | SecurityException e) {
        base = "candidate";
      }
    }
    return base + "_" + randomSuffix();
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }

  private static String randomSuffix() {
    final String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder(6);
    for (int i = 0; i < 6; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** Builds an {@link ElectionConfig}; {@link #build()} validates. */
  public static final class Builder {
    private final String leaseName;
    private String namespace;
    private String identity;
    private Duration leaseDuration = DEFAULT_LEASE_DURATION;
    private Duration renewDeadline = DEFAULT_RENEW_DEADLINE;
    private Duration retryPeriod = DEFAULT_RETRY_PERIOD;
    private Duration requestTimeout;
    private boolean releaseOnShutdown = true;
    private Duration stepDownCooldown;
    private Duration shutdownTimeout;
    private boolean waitBeforeCreate;
    private Function<String, String> env = System::getenv;
    private Path namespaceFile = SERVICE_ACCOUNT_NAMESPACE;

    private Builder(String leaseName) {
      this.leaseName = leaseName;
    }

    /** The Lease's namespace; default: the pod's own (service-account file), else "default". */
    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /** This candidate's identity; default: pod name plus a short random suffix. */
    public Builder identity(String identity) {
      this.identity = identity;
      return this;
    }

    /** LD, a whole number of seconds; default 15 s. */
    public Builder leaseDuration(Duration leaseDuration) {
      this.leaseDuration = leaseDuration;
      return this;
    }

    /** RD, less than LD; default 10 s. */
    public Builder renewDeadline(Duration renewDeadline) {
      this.renewDeadline = renewDeadline;
      return this;
    }

    /** RP, less than RD / 1.2; default 2 s. */
    public Builder retryPeriod(Duration retryPeriod) {
      this.retryPeriod = retryPeriod;
      return this;
    }

    /** Timeout of each API request, less than RD; default RD / 2 (at least RP). */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    /** Whether close() releases a held lease; default true. */
    public Builder releaseOnShutdown(boolean releaseOnShutdown) {
      this.releaseOnShutdown = releaseOnShutdown;
      return this;
    }

    /** How long stepDown() keeps this candidate out of the race; default LD. */
    public Builder stepDownCooldown(Duration stepDownCooldown) {
      this.stepDownCooldown = stepDownCooldown;
      return this;
    }

    /** See {@link ElectionConfig#waitBeforeCreate()}; default false. */
    public Builder waitBeforeCreate(boolean waitBeforeCreate) {
      this.waitBeforeCreate = waitBeforeCreate;
      return this;
    }

    /**
     * How long close() and stepDown() wait for lost-listeners (leader work) before giving up;
     * then the lease is not released but left to expire. Default RD.
     */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /** The environment used for the identity and namespace defaults (for tests). */
    public Builder environment(Map<String, String> environment) {
      Objects.requireNonNull(environment, "environment");
      this.env = environment::get;
      return this;
    }

    /** The service-account namespace file used for the namespace default (for tests). */
    public Builder namespaceFile(Path namespaceFile) {
      this.namespaceFile = namespaceFile;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws InvalidElectionConfigException naming the field, its value and the rule broken
     */
    public ElectionConfig build() {
      return new ElectionConfig(this);
    }
  }
}
