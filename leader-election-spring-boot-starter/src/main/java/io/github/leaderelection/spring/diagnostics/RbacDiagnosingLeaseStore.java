package io.github.leaderelection.spring.diagnostics;

import io.github.leaderelection.core.LeaseRecord;
import io.github.leaderelection.core.LeaseStore;
import io.github.leaderelection.core.LeaseStoreException;
import io.github.leaderelection.core.LeaseWatch;
import io.github.leaderelection.core.LeaseWatchListener;
import io.github.leaderelection.core.VersionedLease;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LeaseStore} that turns every refused request (HTTP 403) into the full
 * {@link RbacAdvice} diagnostic: the {@link LeaseStoreException.Forbidden} handed to the
 * elector carries the advice, Role and RoleBinding included, as its message.
 *
 * <p>Why here and not in a log of our own: the elector already logs a refused get, create or
 * update at ERROR, once per distinct cause, and keeps the message as its status' last error.
 * Putting the advice into the message makes that one line the complete diagnostic, with no
 * second line saying the same thing. A refused watch is different: the elector only logs it
 * at DEBUG and falls back to polling, so this store logs its advice at ERROR itself, once
 * until a watch works again.
 */
public final class RbacDiagnosingLeaseStore implements LeaseStore {

  private static final Logger log = LoggerFactory.getLogger(RbacDiagnosingLeaseStore.class);

  private final LeaseStore delegate;
  private final String namespace;
  private final String leaseName;
  private final AtomicReference<String> lastLoggedWatchAdvice = new AtomicReference<>();

  /**
   * @param delegate the store that talks to the API server
   * @param namespace the lease's namespace
   * @param leaseName the lease's name, for the Role's resourceNames
   */
  public RbacDiagnosingLeaseStore(LeaseStore delegate, String namespace, String leaseName) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.leaseName = Objects.requireNonNull(leaseName, "leaseName");
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public VersionedLease get() throws LeaseStoreException {
    try {
      return delegate.get();
    } catch (LeaseStoreException.Forbidden e) {
      throw explained(e);
    }
  }

  @Override
  public VersionedLease create(LeaseRecord record) throws LeaseStoreException {
    try {
      return delegate.create(record);
    } catch (LeaseStoreException.Forbidden e) {
      throw explained(e);
    }
  }

  @Override
  public VersionedLease update(VersionedLease current, LeaseRecord record) throws LeaseStoreException {
    try {
      return delegate.update(current, record);
    } catch (LeaseStoreException.Forbidden e) {
      throw explained(e);
    }
  }

  @Override
  public LeaseWatch watch(String resourceVersion, LeaseWatchListener listener) {
    return delegate.watch(resourceVersion, new LeaseWatchListener() {
      @Override
      public void onUpsert(VersionedLease lease) {
        lastLoggedWatchAdvice.set(null);
        listener.onUpsert(lease);
      }

      @Override
      public void onDeleted(String rv) {
        lastLoggedWatchAdvice.set(null);
        listener.onDeleted(rv);
      }

      @Override
      public void onBookmark(String rv) {
        lastLoggedWatchAdvice.set(null);
        listener.onBookmark(rv);
      }

      @Override
      public void onClosed(Throwable cause, boolean resourceVersionExpired) {
        if (cause instanceof LeaseStoreException.Forbidden forbidden) {
          LeaseStoreException.Forbidden advised = explained(forbidden);
          if (!advised.getMessage().equals(lastLoggedWatchAdvice.getAndSet(advised.getMessage()))) {
            log.error("Leader election for {} cannot watch its lease; it polls instead, and takes over"
                + " a released lease later than it could. {}", describe(), advised.getMessage());
          }
          cause = advised;
        }
        listener.onClosed(cause, resourceVersionExpired);
      }
    });
  }

  private LeaseStoreException.Forbidden explained(LeaseStoreException.Forbidden e) {
    RbacAdvice advice = RbacAdvice.of(e, namespace, leaseName);
    return new LeaseStoreException.Forbidden(advice.message(), advice.verb(), advice.namespace(), e.user(), e);
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
