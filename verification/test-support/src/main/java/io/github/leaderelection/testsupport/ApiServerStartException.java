package io.github.leaderelection.testsupport;

/**
 * The local etcd or kube-apiserver did not come up. The message carries the tail of both
 * logs; the full logs stay in the work directory it names.
 */
public class ApiServerStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, with log tails
     * @param cause the underlying error, if any
     */
    public ApiServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
