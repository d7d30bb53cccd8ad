package io.github.leaderelection.spring.election;

/**
 * With {@code leader.election.fail-on-unreachable=true}, the first request to the Kubernetes
 * API server (the pre-flight read of the lease) got no answer; startup fails.
 */
public class ApiServerUnreachableException extends IllegalStateException {

  private final String apiServer;
  private final String lease;

  /**
   * @param apiServer the API server's URL
   * @param lease the lease, as "namespace/name"
   * @param cause the failed request
   */
  public ApiServerUnreachableException(String apiServer, String lease, Throwable cause) {
    super("Leader election could not reach the Kubernetes API server at " + apiServer + " to read lease "
        + lease + " (leader.election.fail-on-unreachable=true): " + cause.getMessage(), cause);
    this.apiServer = apiServer;
    this.lease = lease;
  }

  /** The API server's URL. */
  public String getApiServer() {
    return apiServer;
  }

  /** The lease, as "namespace/name". */
  public String getLease() {
    return lease;
  }
}
