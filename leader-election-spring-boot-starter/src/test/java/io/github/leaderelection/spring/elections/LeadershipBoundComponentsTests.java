package io.github.leaderelection.spring.elections;

import static io.github.leaderelection.spring.TestRunners.analyze;
import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.leaderelection.spring.LeaderElection;
import io.github.leaderelection.spring.LeaderElections;
import io.github.leaderelection.spring.OnLeaderElectedEvent;
import io.github.leaderelection.spring.OnLeaderLostEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** Lifecycle beans bound to an election: started on election, stopped before the lost event. */
class LeadershipBoundComponentsTests {

  /** What happened, in order, across components and listeners. */
  static final class Log {
    final List<String> entries = new CopyOnWriteArrayList<>();
  }

  /** Like a message listener container: auto-starts unless told not to. */
  static class Container implements SmartLifecycle {
    private final String name;
    private final Log log;
    private volatile boolean running;
    private boolean autoStartup = true;

    Container(String name, Log log) {
      this.name = name;
      this.log = log;
    }

    public void setAutoStartup(boolean autoStartup) {
      this.autoStartup = autoStartup;
    }

    @Override
    public boolean isAutoStartup() {
      return autoStartup;
    }

    @Override
    public void start() {
      running = true;
      log.entries.add(name + " started");
    }

    @Override
    public void stop() {
      running = false;
      log.entries.add(name + " stopped");
    }

    @Override
    public boolean isRunning() {
      return running;
    }
  }

  /** Auto-starts, and nothing can switch that off. */
  static class Stubborn extends Container {
    Stubborn(Log log) {
      super("stubborn", log);
    }

    @Override
    public boolean isAutoStartup() {
      return true;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Components {
    @Bean
    Log log() {
      return new Log();
    }

    @Bean
    Container orders(Log log) {
      return new Container("orders", log);
    }

    @Bean
    Container invoices(Log log) {
      return new Container("invoices", log);
    }

    @Bean
    Container unbound(Log log) {
      return new Container("unbound", log);
    }

    @Bean
    Recorder recorder(Log log) {
      return new Recorder(log);
    }
  }

  /** Puts the events in the same log as the components. */
  static class Recorder {
    private final Log log;

    Recorder(Log log) {
      this.log = log;
    }

    @EventListener
    void elected(OnLeaderElectedEvent e) {
      log.entries.add(e.getElection() + " elected");
    }

    @EventListener
    void lost(OnLeaderLostEvent e) {
      log.entries.add(e.getElection() + " lost");
    }
  }

  @Test
  void aBoundComponentRunsOnlyWhileItsElectionLeadsAndStopsBeforeTheLostEvent() {
    runner().withUserConfiguration(Components.class)
        .withPropertyValues("leader.election.elections.billing.components=orders,invoices",
            "leader.election.elections.billing.step-down-cooldown=60s")
        .run(context -> {
          assertThat(context).hasNotFailed();
          Log log = context.getBean(Log.class);
          LeaderElection billing = context.getBean(LeaderElections.class).get("billing");
          Container orders = context.getBean("orders", Container.class);
          Container invoices = context.getBean("invoices", Container.class);
          await().atMost(10, TimeUnit.SECONDS).until(() -> orders.isRunning() && invoices.isRunning());
          assertThat(orders.isAutoStartup()).as("auto-startup switched off").isFalse();
          assertThat(context.getBean("unbound", Container.class).isRunning()).isTrue(); // Spring started it
          assertThat(billing.stepDown().get(10, TimeUnit.SECONDS)).isTrue();
          await().atMost(10, TimeUnit.SECONDS).until(() -> log.entries.contains("billing lost"));
          assertThat(orders.isRunning()).isFalse();
          assertThat(invoices.isRunning()).isFalse();
          List<String> entries = log.entries;
          // Stopped in reverse order, both before the lost event is published.
          assertThat(entries.indexOf("invoices stopped")).isLessThan(entries.indexOf("orders stopped"));
          assertThat(entries.indexOf("orders stopped")).isLessThan(entries.indexOf("billing lost"));
          assertThat(entries.indexOf("orders started")).isLessThan(entries.lastIndexOf("billing elected"));
        });
  }

  @Test
  void aComponentOfTheDefaultElection() {
    runner().withUserConfiguration(Components.class).withPropertyValues("leader.election.components=orders")
        .run(context -> {
          Container orders = context.getBean("orders", Container.class);
          await().atMost(10, TimeUnit.SECONDS).until(orders::isRunning);
          context.getBean(LeaderElection.class).stepDown().get(10, TimeUnit.SECONDS);
          await().atMost(10, TimeUnit.SECONDS).until(() -> !orders.isRunning());
        });
  }

  @Test
  void aNeverLeaderNeverStartsItsComponents() {
    runner().withUserConfiguration(Components.class)
        .withPropertyValues("leader.election.mode=never-leader", "leader.election.components=orders")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean("orders", Container.class).isRunning()).isFalse();
          assertThat(context.getBean("unbound", Container.class).isRunning()).isTrue();
        });
  }

  @Test
  void aComponentThatWouldStartOnEveryInstanceFailsStartup() {
    runner().withUserConfiguration(Components.class).withBean("stubborn", Stubborn.class, () -> new Stubborn(new Log()))
        .withPropertyValues("leader.election.components=stubborn").run(context -> {
          assertThat(context).hasFailed();
          assertThat(analyze(context.getStartupFailure()).getDescription()).contains("'stubborn'")
              .contains("leader.election.components").contains("every instance");
        });
  }

  @Test
  void aBeanThatIsNotALifecycleFailsStartup() {
    runner().withUserConfiguration(Components.class).withPropertyValues("leader.election.components=log")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(analyze(context.getStartupFailure()).getDescription()).contains("'log'").contains("not a Lifecycle");
        });
  }

  @Test
  void aNameWithoutABeanFailsStartupListingTheLifecycleBeans() {
    runner().withUserConfiguration(Components.class).withPropertyValues("leader.election.components=ordres")
        .run(context -> {
          assertThat(context).hasFailed();
          var analysis = analyze(context.getStartupFailure());
          assertThat(analysis.getDescription()).contains("'ordres'").contains("does not exist");
          assertThat(analysis.getAction()).contains("orders").contains("invoices");
        });
  }

  @Test
  void aComponentBoundToTwoElectionsFailsStartup() {
    runner().withUserConfiguration(Components.class).withPropertyValues("leader.election.components=orders",
        "leader.election.elections.billing.components=orders").run(context -> {
          assertThat(context).hasFailed();
          assertThat(analyze(context.getStartupFailure()).getDescription()).contains("'orders'")
              .contains("another election");
        });
  }
}
