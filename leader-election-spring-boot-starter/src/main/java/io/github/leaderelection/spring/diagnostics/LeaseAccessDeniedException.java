package io.github.leaderelection.spring.diagnostics;

import io.github.leaderelection.core.LeaseStoreException;
import java.util.Objects;

/**
 * The Kubernetes API server refused leader election's first request on its lease (HTTP 403),
 * so startup fails: a missing permission does not fix itself, and an instance that cannot
 * read its lease would never lead. Explained by {@link LeaseAccessDeniedFailureAnalyzer}.
 */
public class LeaseAccessDeniedException extends IllegalStateException {

  private final transient RbacAdvice advice;

  /**
   * @param advice what was refused, for whom, and how to grant it
   * @param cause the refused request
   */
  public LeaseAccessDeniedException(RbacAdvice advice, LeaseStoreException.Forbidden cause) {
    super(Objects.requireNonNull(advice, "advice").problem(), cause);
    this.advice = advice;
  }

  /** What was refused, for whom, and the Role and RoleBinding that grant it. */
  public RbacAdvice getAdvice() {
    return advice;
  }
}
