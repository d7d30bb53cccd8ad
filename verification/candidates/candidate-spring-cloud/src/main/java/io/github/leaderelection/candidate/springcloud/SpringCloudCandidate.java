package io.github.leaderelection.candidate.springcloud;

import io.github.leaderelection.candidate.protocol.CandidateArgs;
import io.github.leaderelection.candidate.protocol.Report;
import io.github.leaderelection.candidate.protocol.StdinCommands;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.cloud.kubernetes.commons.leader.election.events.StartLeadingEvent;
import org.springframework.cloud.kubernetes.commons.leader.election.events.StopLeadingEvent;

/**
 * A candidate process on Spring Cloud Kubernetes' leader election, the Lease-based one of
 * {@code spring.cloud.kubernetes.leader.election.*} (benchmark and comparison only; see
 * ../PROTOCOL.md). The flavour (official client or fabric8) is whichever leader module is on
 * the classpath; this program only configures it and listens to its events.
 *
 * <p>How that implementation is meant to be used, and what this program therefore does:
 * <ul>
 *   <li>It is a Spring Boot auto-configuration: set the properties, start the application.
 *       The election starts from a bean's {@code @PostConstruct} on a thread of its own; after
 *       a loss it sleeps {@code wait-after-renewal-failure} (default 3 s) and competes again.
 *   <li>Its identity is the pod name, read from {@code HOSTNAME}, and its client reads
 *       {@code KUBECONFIG} (the official client: {@code ClientBuilder.defaultClient()} once the
 *       in-cluster config fails; fabric8: its auto-configured {@code Config}). A pod has both in
 *       its environment; here the runner sets them, and this program refuses to start when
 *       they do not match {@code --identity} / {@code --kubeconfig}.
 *   <li>Its auto-configuration requires the Kubernetes cloud platform, which Boot detects from
 *       a pod's service variables; {@code spring.main.cloud-platform=kubernetes} says so here.
 *       {@code wait-for-pod-ready} is off: there is no Pod object whose readiness to wait for.
 *   <li>ELECTED/LOST come from its {@code StartLeadingEvent}/{@code StopLeadingEvent}; there is
 *       no renewal event and no fencing token: no RENEWED lines, token {@code -1}. Leader-only
 *       work checks the flag these events set.
 *   <li>Stopping (SIGTERM / stdin EOF): no new work starts and a running one ends, then the
 *       application context is closed; the elector's {@code @PreDestroy} stops it and releases
 *       the Lease when held. A {@code StopLeadingEvent} published while the context closes
 *       gives LOST; if none came, LOST SHUTDOWN is printed once the context is closed.
 * </ul>
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class SpringCloudCandidate {

  public static void main(String[] argv) throws Exception {
    CandidateArgs args = CandidateArgs.parse(argv);
    // PROTOCOL.md "Several leases": one election per process here (the Spring context holds one).
    args.refuseLeases("Spring Cloud Kubernetes runs one election per application; start one process per lease");
    if (!args.wallOffset().isZero()) {
      // Both underlying electors compare the remote renewTime with the system clock and take
      // no clock from outside: refuse rather than run a skew experiment without skew.
      System.err.println("UNSUPPORTED --wall-offset-ms: Spring Cloud Kubernetes' elector has no injectable clock");
      System.exit(2);
    }
    requireEnvironment("HOSTNAME", args.identity(),
        "Spring Cloud Kubernetes takes the candidate identity from HOSTNAME (the pod name)");
    String kubeconfig = System.getenv("KUBECONFIG");
    if (kubeconfig == null
        || !Path.of(kubeconfig).toAbsolutePath().normalize().equals(args.kubeconfig().toAbsolutePath().normalize())) {
      System.err.println("KUBECONFIG must name --kubeconfig (" + args.kubeconfig() + "), is " + kubeconfig
          + ": its Kubernetes client reads the kubeconfig from there");
      System.exit(2);
    }

    Report report = new Report();
    Leadership leadership = new Leadership(report);
    SpringApplication app = new SpringApplication(SpringCloudCandidate.class);
    app.setBannerMode(Banner.Mode.OFF);
    app.setWebApplicationType(WebApplicationType.NONE);
    // This program closes the context itself, so that CLOSED comes after the release.
    app.setRegisterShutdownHook(false);
    app.setDefaultProperties(properties(args));
    app.addListeners(leadership);

    AtomicReference<ConfigurableApplicationContext> context = new AtomicReference<>();
    Work work = new Work(leadership, args, report);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      work.stop();
      leadership.stopping();
      ConfigurableApplicationContext c = context.get();
      if (c != null) {
        c.close(); // @PreDestroy of the elector: stops it, releases the Lease when held
      }
      leadership.closed();
      report.closed();
      stopped.countDown();
    }, "candidate-shutdown"));

    context.set(app.run());
    report.ready(args.identity());
    // Commands of PROTOCOL.md (STEP_DOWN, SLOW_LOST): this elector has no such hooks, so each one
    // is answered as unsupported and otherwise ignored.
    StdinCommands.watcher(StdinCommands.allUnsupported(report)).start();
    work.run();
    stopped.await();
  }

  /** The configuration its documentation describes, with the protocol's timings. */
  static Map<String, Object> properties(CandidateArgs args) {
    String p = "spring.cloud.kubernetes.leader.election.";
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("spring.main.cloud-platform", "kubernetes");
    m.put(p + "enabled", "true");
    m.put(p + "lock-name", args.lease());
    m.put(p + "lock-namespace", args.namespace());
    m.put(p + "lease-duration", args.leaseDuration().toSeconds() + "s");
    m.put(p + "renew-deadline", args.renewDeadline().toMillis() + "ms");
    m.put(p + "retry-period", args.retryPeriod().toMillis() + "ms");
    m.put(p + "wait-for-pod-ready", "false");
    m.put(p + "publish-events", "true");
    return m;
  }

  private static void requireEnvironment(String name, String expected, String why) {
    String value = System.getenv(name);
    if (!expected.equals(value)) {
      System.err.println(name + " must be " + expected + " (--identity), is " + value + ": " + why);
      System.exit(2);
    }
  }

  /** ELECTED/LOST from the implementation's events, once per term. */
  static final class Leadership implements ApplicationListener<ApplicationEvent> {
    private final Report report;
    private boolean leading;
    private boolean stopping;

    Leadership(Report report) {
      this.report = report;
    }

    @Override
    public synchronized void onApplicationEvent(ApplicationEvent event) {
      if (event instanceof StartLeadingEvent && !leading) {
        leading = true;
        report.elected("-1");
      } else if (event instanceof StopLeadingEvent && leading) {
        leading = false;
        report.lost(stopping ? "SHUTDOWN" : "STOP_LEADING");
      }
    }

    synchronized boolean leading() {
      return leading && !stopping;
    }

    synchronized void stopping() {
      stopping = true;
    }

    /** After the context closed: a term that got no StopLeadingEvent ends here. */
    synchronized void closed() {
      if (leading) {
        leading = false;
        report.lost("SHUTDOWN");
      }
    }
  }

  /** The leader-only loop of the other candidates: pause, check, work. */
  static final class Work {
    private final Leadership leadership;
    private final CandidateArgs args;
    private final Report report;
    private final Object lock = new Object();
    private boolean stopped;
    private boolean running;

    Work(Leadership leadership, CandidateArgs args, Report report) {
      this.leadership = leadership;
      this.args = args;
      this.report = report;
    }

    void run() throws InterruptedException {
      if (args.workInterval().isZero()) {
        return;
      }
      long seq = 0;
      while (true) {
        Thread.sleep(args.workInterval().toMillis());
        synchronized (lock) {
          if (stopped) {
            return;
          }
          if (!leadership.leading()) {
            continue;
          }
          running = true;
        }
        long n = ++seq;
        report.workStart(n, "-1");
        Thread.sleep(args.workDuration().toMillis());
        report.workEnd(n);
        synchronized (lock) {
          running = false;
          lock.notifyAll();
        }
      }
    }

    /** No execution starts after this; one that runs is waited for. */
    void stop() {
      synchronized (lock) {
        stopped = true;
        long deadline = System.nanoTime() + args.workDuration().toNanos() + 1_000_000_000L;
        while (running && System.nanoTime() < deadline) {
          try {
            lock.wait(50);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }
}
