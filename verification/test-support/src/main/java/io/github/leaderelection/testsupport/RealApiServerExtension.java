package io.github.leaderelection.testsupport;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit extension behind {@link RealApiServer}: one real API server per test run (per JVM),
 * started on first use and stopped when the run ends, handed to tests as an
 * {@link ApiServerHandle}.
 *
 * <p>Where the server comes from is decided by {@code ApiServerSources}: the source named by
 * {@code LEADER_ELECTION_APISERVER} ({@code local}, {@code kubeconfig}, {@code k3s}), else the
 * first that is there of: the kubeconfig in {@code LEADER_ELECTION_KUBECONFIG} (a cluster of
 * one's own; admin features only); the local etcd and kube-apiserver binaries from
 * {@code -Dleader.election.apiserver.bin}, {@code LEADER_ELECTION_APISERVER_BIN} or the cache of
 * {@code verification/apiserver/build.sh} (which it runs where Go is installed); K3s in Docker through
 * Testcontainers. Without any, the test classes are skipped, or fail when the environment has
 * {@code CI=true}. A server that exists but does not start, or a source asked for by name that
 * is not there, always fails them. The server's version is logged, and checked against
 * {@code LEADER_ELECTION_EXPECT_KUBERNETES_VERSION} when that is set.
 *
 * <p>Classes whose {@link RealApiServer} asks for feature gates or runtime config get a server
 * of their own per distinct request, started and stopped like the shared one.
 *
 * <p>It lives in the root context's store, so all test classes share it and JUnit closes it
 * after the last one; a JVM shutdown hook kills its processes if the JVM ends otherwise.
 * After each test, whatever the test changed through the handle is put back (see
 * {@link ApiServerHandle}).
 */
public final class RealApiServerExtension implements BeforeAllCallback, TestInstancePreConstructCallback,
        TestInstancePostProcessor, ParameterResolver, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RealApiServerExtension.class);
    private static final String SESSION_KEY = "server-session";

    /**
     * Fails the whole class at once when the server did not start. Without any server, skips
     * the whole class only if a class-level method or static field needs the handle; otherwise
     * each test is skipped on its own, because build tools count (and show) skipped tests but
     * not skipped classes.
     */
    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        ServerSession session = session(context);
        Class<?> testClass = context.getRequiredTestClass();
        if (session.hasServer() || !session.isSkip() || needsHandleBeforeAll(testClass)) {
            injectFields(testClass, null, session.handle(), true);
        }
    }

    /**
     * Skips or fails before the test instance is made: a skip thrown from resolving a
     * constructor parameter would count as an error instead.
     */
    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        session(context).handle();
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws IllegalAccessException {
        injectFields(testInstance.getClass(), testInstance, session(context).handle(), false);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == ApiServerHandle.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return session(extensionContext).handle();
    }

    /** Puts back stopped processes, changed RBAC and open proxies, also after a failed test. */
    @Override
    public void afterEach(ExtensionContext context) {
        ServerSession session = session(context);
        if (session.hasServer()) {
            session.handle().afterTest();
        }
    }

    /** The session for the options of the test class's annotation: one per distinct options. */
    private static ServerSession session(ExtensionContext context) {
        ServerOptions options = ServerOptions.of(annotation(context));
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(SESSION_KEY + ":" + options.describe(),
                key -> ServerSession.open(() -> ApiServerSources.fromSystem().open(options)), ServerSession.class);
    }

    /** The nearest {@link RealApiServer}: on the class, a superclass, or an enclosing class. */
    private static RealApiServer annotation(ExtensionContext context) {
        for (Class<?> c = context.getTestClass().orElse(null); c != null; c = c.getEnclosingClass()) {
            Optional<RealApiServer> found = AnnotationSupport.findAnnotation(c, RealApiServer.class);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return null;
    }

    /** Whether a static field or a {@code @BeforeAll}/{@code @AfterAll} method takes the handle. */
    private static boolean needsHandleBeforeAll(Class<?> testClass) {
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getType() == ApiServerHandle.class && Modifier.isStatic(field.getModifiers())) {
                    return true;
                }
            }
            for (Method method : c.getDeclaredMethods()) {
                boolean classLevel = method.isAnnotationPresent(BeforeAll.class) || method.isAnnotationPresent(AfterAll.class);
                if (classLevel && Arrays.asList(method.getParameterTypes()).contains(ApiServerHandle.class)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Sets non-final fields of type {@link ApiServerHandle}, static ones or instance ones. */
    private static void injectFields(Class<?> type, Object instance, ApiServerHandle handle, boolean statics)
            throws IllegalAccessException {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (field.getType() == ApiServerHandle.class && Modifier.isStatic(modifiers) == statics
                        && !Modifier.isFinal(modifiers)) {
                    field.setAccessible(true);
                    field.set(instance, handle);
                }
            }
        }
    }
}
