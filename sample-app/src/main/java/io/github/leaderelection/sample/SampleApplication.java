package io.github.leaderelection.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A service that runs several replicas but whose clean-up job must run on exactly one of them.
 * The starter elects the leader; {@link CleanupJob} is annotated with {@code @LeaderOnly}.
 */
@SpringBootApplication
@EnableScheduling
public class SampleApplication {

  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }
}
