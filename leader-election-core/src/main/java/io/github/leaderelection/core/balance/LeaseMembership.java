package io.github.leaderelection.core.balance;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.KubernetesLeaseStore;
import io.github.leaderelection.core.LeaderElector;
import io.github.leaderelection.core.LeaseStoreException;
import io.github.leaderelection.core.LeaseWatch;
import io.github.leaderelection.core.SharedLeaseWatch;
import io.github.leaderelection.core.Ticker;
import io.github.leaderelection.core.VersionedLease;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members of a balancing group, each with a Lease of its own: {@code <group>-member-<hash of
 * its identity>}, held by that instance and renewed by an ordinary elector (the only candidate
 * on it), so joining, renewing, a crash and a graceful leave look as they do for any lease. The
 * others see it through the shared watch of the namespace's Leases, so knowing the members costs
 * no watch and no read of its own; a renewal every third of a lease duration is its only cost.
 *
 * <p>Why Leases and not the election leases themselves: a follower writes nothing, so the
 * election leases cannot show who is there to take a lease. Why one Lease per member and not
 * one shared object: members never write the same object, so they never conflict.
 *
 * <p>A member that leaves releases its Lease (the others see it go at once) and deletes it. The
 * Lease of a member that crashed expires; the member with the lowest identity deletes member
 * Leases idle for three lease durations. Deleting needs verb {@code delete} on leases; without
 * it a WARN names it and the Leases stay, which costs nothing but their storage.
 */
public final class LeaseMembership implements Members, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaseMembership.class);
  private static final Pattern GROUP = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  /** A member Lease's name is the group, this, and 12 hex digits. */
  static final String INFIX = "-member-";

  private final String group;
  private final ElectionConfig memberConfig;
  private final SharedLeaseWatch watch;
  private final Function<String, KubernetesLeaseStore> stores;
  private final Ticker ticker;
  private final LeaderElector heartbeat;
  private final long abandonAfter;

  // Guarded by this.
  private MemberTable table = MemberTable.empty();
  private boolean unavailable;
  private boolean deleteRefused;
  private long lastCollectAt = Long.MIN_VALUE;
  private LeaseWatch observation;

  /**
   * @param group the group's name (a DNS subdomain, at most 200 characters); all instances
   *     balancing together use the same
   * @param election the configuration of one of the group's elections: its namespace, identity
   *     and timings are the member Lease's
   * @param watch the shared watch of that namespace's Leases
   * @param stores a store for a Lease name in that namespace
   */
  public LeaseMembership(String group, ElectionConfig election, SharedLeaseWatch watch,
      Function<String, KubernetesLeaseStore> stores, Ticker ticker) {
    this.group = requireGroup(group);
    this.watch = Objects.requireNonNull(watch, "watch");
    this.stores = Objects.requireNonNull(stores, "stores");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.memberConfig = memberConfig(leaseName(group, election.identity()), election);
    this.heartbeat = LeaderElector.builder(memberConfig, watch.share(stores.apply(memberConfig.leaseName()),
        memberConfig.leaseName())).build();
    this.abandonAfter = 3 * election.leaseDuration().toNanos();
  }

  /** The name of the member Lease of {@code identity} in {@code group}. */
  public static String leaseName(String group, String identity) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return requireGroup(group) + INFIX + HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /** Checks a group name: it becomes part of Lease names. */
  public static String requireGroup(String group) {
    if (group == null || group.length() > 200 || !GROUP.matcher(group).matches()) {
      throw new IllegalArgumentException("Balancing group \"" + group + "\" is not usable in a Lease name: use"
          + " at most 200 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
    }
    return group;
  }

  /** The member Lease's configuration: the election's, renewed every third of a lease duration. */
  static ElectionConfig memberConfig(String name, ElectionConfig election) {
    Duration third = election.leaseDuration().dividedBy(3);
    Duration ceiling = election.renewDeadline().multipliedBy(4).dividedBy(5); // RD > 1.2 RP holds
    Duration retry = election.retryPeriod().compareTo(third) > 0 ? election.retryPeriod() : third;
    if (retry.compareTo(ceiling) > 0) {
      retry = election.retryPeriod().compareTo(ceiling) > 0 ? election.retryPeriod() : ceiling;
    }
    return ElectionConfig.builder(name)
        .namespace(election.namespace())
        .identity(election.identity())
        .leaseDuration(election.leaseDuration())
        .renewDeadline(election.renewDeadline())
        .retryPeriod(retry)
        .requestTimeout(election.requestTimeout())
        .releaseOnShutdown(true)
        .shutdownTimeout(Duration.ofSeconds(1))
        .build();
  }

  /** Starts watching the members and joins the group. */
  public void start() {
    synchronized (this) {
      if (observation != null) {
        throw new IllegalStateException("Membership of group " + group + " already started");
      }
      observation = () -> {};
    }
    LeaseWatch o = watch.observe(group + INFIX, new SharedLeaseWatch.PrefixObserver() {
      @Override
      public void onLeases(Map<String, VersionedLease> leases) {
        seen(leases);
      }

      @Override
      public void onUnavailable(LeaseStoreException cause) {
        synchronized (LeaseMembership.this) {
          unavailable = true;
        }
      }
    });
    synchronized (this) {
      observation = o;
    }
    heartbeat.start();
    log.info("Joining balancing group {} as {} with lease {}", group, memberConfig.identity(),
        memberConfig.leaseName());
  }

  private synchronized void seen(Map<String, VersionedLease> leases) {
    table = table.seen(leases, ticker.nanoTime());
  }

  @Override
  public Set<String> live() {
    Set<String> live;
    synchronized (this) {
      live = new TreeSet<>(table.live(ticker.nanoTime()));
    }
    // This instance knows first-hand whether it is a member; the others learn it from the watch.
    if (heartbeat.isLeader()) {
      live.add(memberConfig.identity());
    } else {
      live.remove(memberConfig.identity());
    }
    return live;
  }

  @Override
  public synchronized boolean available() {
    return !unavailable;
  }

  /** The member Lease's elector; for status and tests. */
  public LeaderElector heartbeat() {
    return heartbeat;
  }

  /**
   * Deletes member Leases left by crashed instances, if this is the live member with the lowest
   * identity; at most once per lease duration, off the caller's thread.
   */
  @Override
  public void maintain() {
    Map<String, VersionedLease> abandoned;
    long now = ticker.nanoTime();
    Set<String> live = live();
    synchronized (this) {
      boolean lowest = !live.isEmpty() && live.iterator().next().equals(memberConfig.identity());
      if (!lowest || deleteRefused || (lastCollectAt != Long.MIN_VALUE
          && now - lastCollectAt < memberConfig.leaseDuration().toNanos())) {
        return;
      }
      lastCollectAt = now;
      abandoned = table.abandoned(now, abandonAfter);
    }
    abandoned.remove(memberConfig.leaseName());
    if (!abandoned.isEmpty()) {
      CompletableFuture.runAsync(() -> abandoned.forEach(this::delete), command -> {
        Thread t = new Thread(command, "leader-election-member-cleanup");
        t.setDaemon(true);
        t.start();
      });
    }
  }

  private void delete(String name, VersionedLease lease) {
    try {
      stores.apply(name).delete(lease);
      log.info("Deleted member lease {} of group {}, left by {} (not renewed for {} s)", name, group,
          lease.record().holder(), abandonAfter / 1_000_000_000L);
    } catch (LeaseStoreException.Forbidden e) {
      refused(e);
    } catch (LeaseStoreException e) {
      log.debug("Not deleting member lease {}: {}", name, e.getMessage()); // changed or gone: seen next time
    }
  }

  private void refused(LeaseStoreException.Forbidden e) {
    boolean first;
    synchronized (this) {
      first = !deleteRefused;
      deleteRefused = true;
    }
    if (first) {
      log.warn("Member leases of balancing group {} are not deleted: {}. They stay behind as small"
          + " released or expired Leases; balancing works regardless.", group, e.getMessage());
    }
  }

  /** Leaves the group: releases the member Lease, so the others see this instance go at once, then deletes it. */
  @Override
  public void close() {
    LeaseWatch o;
    synchronized (this) {
      o = observation;
      observation = null;
    }
    if (o != null) {
      o.close();
    }
    heartbeat.close();
    try {
      KubernetesLeaseStore own = stores.apply(memberConfig.leaseName());
      VersionedLease left = own.get();
      if (left != null && !left.record().isHeld()) {
        own.delete(left);
      }
    } catch (LeaseStoreException.Forbidden e) {
      refused(e);
    } catch (LeaseStoreException | RuntimeException e) {
      log.info("Member lease {} was released but not deleted: {}", memberConfig.leaseName(), e.getMessage());
    }
  }
}
