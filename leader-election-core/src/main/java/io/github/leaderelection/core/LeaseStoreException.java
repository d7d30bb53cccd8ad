package io.github.leaderelection.core;

/**
 * A lease request failed. Subtypes say why, so the elector can react: a {@link Conflict} is
 * a lost race (logged at DEBUG), a {@link NotFound} means the lease is gone, a
 * {@link Forbidden} names the missing permission; everything else is a transient failure.
 */
public class LeaseStoreException extends Exception {

  private final int status;

  /**
   * @param message what failed, naming the lease
   * @param status the HTTP status, 0 when no response arrived (IO error, timeout)
   * @param cause the underlying error
   */
  public LeaseStoreException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status of the failed request, or 0 when no response arrived. */
  public int status() {
    return status;
  }

  /** 409: the lease changed since it was read, or already exists. */
  public static final class Conflict extends LeaseStoreException {
    public Conflict(String message, Throwable cause) {
      super(message, 409, cause);
    }
  }

  /** 404: the lease does not exist. */
  public static final class NotFound extends LeaseStoreException {
    public NotFound(String message, Throwable cause) {
      super(message, 404, cause);
    }
  }

  /** 403: the caller lacks a permission; the message names the verb, resource and namespace. */
  public static final class Forbidden extends LeaseStoreException {
    private final String verb;
    private final String namespace;
    private final String user;

    public Forbidden(String message, String verb, String namespace, String user, Throwable cause) {
      super(message, 403, cause);
      this.verb = verb;
      this.namespace = namespace;
      this.user = user;
    }

    /** The refused verb: get, create, update, watch. */
    public String verb() {
      return verb;
    }

    /** The namespace of the lease. */
    public String namespace() {
      return namespace;
    }

    /** The user the server saw, when its message names one, else null. */
    public String user() {
      return user;
    }
  }
}
