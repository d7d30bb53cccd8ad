package io.github.leaderelection.testsupport;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One external process (etcd or kube-apiserver) that can be started, stopped and started
 * again with the same command line, its output appended to one log file.
 */
final class ManagedProcess {

    /** How long a stopping process gets after SIGTERM before it is killed. */
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final int TAIL_BYTES = 16 * 1024;

    private final String name;
    private final List<String> command;
    private final Path logFile;
    private volatile Process process;

    ManagedProcess(String name, List<String> command, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.logFile = logFile;
    }

    String name() {
        return name;
    }

    Path logFile() {
        return logFile;
    }

    synchronized void start() {
        if (isRunning()) {
            return;
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    // Appending keeps the output of earlier runs when a test restarts the process.
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + command.get(0), e);
        }
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Exit code if it has ended, for start-failure messages. */
    synchronized String state() {
        if (process == null) {
            return "not started";
        }
        return process.isAlive() ? "running, pid " + process.pid() : "exited with code " + process.exitValue();
    }

    /**
     * Stops the process: SIGTERM, then SIGKILL if it has not ended within the grace period.
     * The grace period is bounded because kube-apiserver's graceful shutdown can hang for many
     * seconds when etcd is already gone.
     */
    synchronized void stop() {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        p.destroy();
        try {
            if (!p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process (SIGKILL), as a crash would, and waits until it is gone. */
    synchronized void crash() {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        p.destroyForcibly();
        try {
            p.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends SIGKILL without waiting or locking: for the JVM shutdown hook. */
    void killNow() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    /** The last few kilobytes of the log, for failure messages. */
    String logTail() {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long start = Math.max(0, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
