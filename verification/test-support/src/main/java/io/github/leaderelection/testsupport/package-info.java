/**
 * Test support: a real Kubernetes API server (etcd + kube-apiserver started from local
 * binaries, or a cluster of one's own) for the integration tests, a JUnit 5 extension that
 * shares one server per test run, and a TCP proxy to cut or stall a client's connection.
 *
 * <p>Start with {@link io.github.leaderelection.testsupport.RealApiServer} and
 * {@link io.github.leaderelection.testsupport.ApiServerHandle}.
 */
package io.github.leaderelection.testsupport;
