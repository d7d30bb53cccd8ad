package io.github.leaderelection.spring.test.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * An application as a user of the starter writes it: a scheduled leader-only job and a
 * listener of the leadership events. The kit's {@code @SpringBootTest}s test it.
 */
@SpringBootApplication
@EnableScheduling
public class JobApplication {}
