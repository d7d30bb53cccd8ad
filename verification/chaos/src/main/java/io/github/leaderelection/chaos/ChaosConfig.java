package io.github.leaderelection.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One chaos run: how many candidates, which program, the election timings, the seed and the
 * number of faults.
 *
 * @param implementation name of the elector under test ({@code ours}, {@code client-java}, ...)
 * @param candidateClasspath classpath of the candidate JVMs (JVM programs)
 * @param candidateMain main class of the candidate program (JVM programs)
 * @param traced whether the candidate prints the elector-thread lines ({@code --trace-acting})
 * @param wallOffsets whether candidates get wall-clock offsets (programs that cannot inject a
 *     clock refuse them)
 * @param candidates number of candidate processes (at least 5)
 * @param leaseDuration LD
 * @param renewDeadline RD
 * @param retryPeriod RP
 * @param seed seed of the fault injector
 * @param faults number of faults to inject
 * @param workInterval pause between leader-only executions
 * @param workDuration length of one leader-only execution
 * @param recoverySlack what the liveness bound allows beyond LD + RP after a heal (JVM start,
 *     2 shared cores, watch re-establishment)
 * @param runDirectory where transcripts, stderr files and the fault log go
 * @param excluded fault types left out of the plan (to study an elector past a fault that
 *     stops it for good); empty for the CI and soak profiles
 * @param stepDownCooldown the candidates' step-down cool-down ({@code --step-down-cooldown-ms},
 *     traced candidates only); short, so a slow lost-listener outlives it
 * @param shutdownTimeout the candidates' shutdown timeout ({@code --shutdown-timeout-ms}, traced
 *     only); above LD, so a step-down's drain can outlast the lease (the release must then find
 *     another holder and leave it alone, rule 22)
 * @param httpHop whether each candidate reaches the API server over plain HTTP through a
 *     {@link PlainHttpHop} (needed to inject unknown Lease fields), else TLS end to end
 * @param candidateExecutable the command that starts a candidate program that is no JVM (a
 *     binary, or node and a script), the protocol's arguments appended; empty for a JVM
 *     program, which is started from {@code candidateClasspath} and {@code candidateMain}
 */
public record ChaosConfig(
    String implementation,
    String candidateClasspath,
    String candidateMain,
    boolean traced,
    boolean wallOffsets,
    int candidates,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    long seed,
    int faults,
    Duration workInterval,
    Duration workDuration,
    Duration recoverySlack,
    Path runDirectory,
    java.util.Set<FaultType> excluded,
    Duration stepDownCooldown,
    Duration shutdownTimeout,
    boolean httpHop,
    List<String> candidateExecutable) {

  public ChaosConfig {
    if (candidates < 2) {
      throw new IllegalArgumentException("candidates must be at least 2");
    }
    excluded = java.util.Set.copyOf(excluded);
    candidateExecutable = List.copyOf(candidateExecutable);
  }

  /** The same with {@code types} left out of the plan. */
  public ChaosConfig excluding(java.util.Set<FaultType> types) {
    return new ChaosConfig(implementation, candidateClasspath, candidateMain, traced, wallOffsets, candidates,
        leaseDuration, renewDeadline, retryPeriod, seed, faults, workInterval, workDuration, recoverySlack,
        runDirectory, types, stepDownCooldown, shutdownTimeout, httpHop, candidateExecutable);
  }

  /**
   * The fast timings 4 s / 3 s / 1 s and the defaults of the CI profile. Wall-clock offsets are
   * used with traced candidates (ours); the other programs refuse them.
   */
  public static ChaosConfig fast(String implementation, String classpath, String main, boolean traced,
      long seed, int faults, Path runDirectory) {
    return new ChaosConfig(implementation, classpath, main, traced, traced, 5,
        Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(1),
        seed, faults, Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofSeconds(4), runDirectory,
        java.util.Set.of(), Duration.ofMillis(500), Duration.ofSeconds(5), true, List.of());
  }

  /** The same fast profile for a program that is no JVM ({@code executable}: its command). */
  public static ChaosConfig fast(String implementation, List<String> executable, long seed, int faults,
      Path runDirectory) {
    if (executable.isEmpty()) {
      throw new IllegalArgumentException("no command for " + implementation);
    }
    ChaosConfig jvm = fast(implementation, "", "", false, seed, faults, runDirectory);
    return new ChaosConfig(implementation, "", "", false, false, jvm.candidates, jvm.leaseDuration,
        jvm.renewDeadline, jvm.retryPeriod, seed, faults, jvm.workInterval, jvm.workDuration, jvm.recoverySlack,
        runDirectory, jvm.excluded, jvm.stepDownCooldown, jvm.shutdownTimeout, jvm.httpHop, executable);
  }

  /** Reads a classpath file written by {@code dependency:build-classpath}. */
  public static String readClasspath(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the candidate classpath " + file, e);
    }
  }

  /** The command line of one candidate process. */
  public List<String> command(Path kubeconfig, String namespace, String lease, String identity, long wallOffsetMillis) {
    List<String> cmd = new ArrayList<>();
    if (candidateExecutable.isEmpty()) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      cmd.addAll(List.of(java,
          // Small and cheap: 5+ JVMs share 2 cores with etcd, kube-apiserver and the runner.
          "-Xmx96m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
          "-Dorg.slf4j.simpleLogger.showDateTime=true",
          "-cp", candidateClasspath, candidateMain));
    } else {
      cmd.addAll(candidateExecutable);
    }
    cmd.addAll(List.of(
        "--kubeconfig", kubeconfig.toString(),
        "--namespace", namespace,
        "--lease", lease,
        "--identity", identity,
        "--lease-duration", Long.toString(leaseDuration.toSeconds()),
        "--renew-deadline", Long.toString(renewDeadline.toMillis()),
        "--retry-period", Long.toString(retryPeriod.toMillis()),
        "--work-interval-ms", Long.toString(workInterval.toMillis()),
        "--work-duration-ms", Long.toString(workDuration.toMillis()),
        "--wall-offset-ms", Long.toString(wallOffsetMillis)));
    if (traced) {
      cmd.add("--trace-acting");
      cmd.add("true");
      cmd.addAll(List.of("--step-down-cooldown-ms", Long.toString(stepDownCooldown.toMillis()),
          "--shutdown-timeout-ms", Long.toString(shutdownTimeout.toMillis())));
    }
    return cmd;
  }

  /**
   * What a pod would have in its environment (verification/candidates/PROTOCOL.md): its name as HOSTNAME and
   * the kubeconfig, for programs that read them (Spring Cloud Kubernetes does).
   */
  public java.util.Map<String, String> environment(Path kubeconfig, String identity) {
    return java.util.Map.of("HOSTNAME", identity, "KUBECONFIG", kubeconfig.toAbsolutePath().toString());
  }

  long ld() {
    return leaseDuration.toNanos();
  }

  long rd() {
    return renewDeadline.toNanos();
  }

  long rp() {
    return retryPeriod.toNanos();
  }

  long cooldown() {
    return stepDownCooldown.toNanos();
  }

  long st() {
    return shutdownTimeout.toNanos();
  }
}
