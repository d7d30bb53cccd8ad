package io.github.leaderelection.spring.leaderonly;

import static io.github.leaderelection.spring.TestRunners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.leaderelection.spring.LeaderOnly;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Maybe;
import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.core.Single;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A skipped call of an async or reactive method returns that type's "nothing" (a future
 * completed with null, an empty publisher), never null, which would crash the caller that
 * chains on it.
 */
class LeaderOnlyAsyncReturnTests {

  @Test
  void skippedAsyncAndReactiveCallsCompleteEmpty() {
    runner().withPropertyValues("leader.election.mode=never-leader").withBean(AsyncJobs.class).run(context -> {
      AsyncJobs jobs = context.getBean(AsyncJobs.class);
      assertThat(jobs.future()).isNotNull().isCompletedWithValue(null);
      assertThat(jobs.stage()).isNotNull();
      assertThat(jobs.stage().toCompletableFuture()).isCompletedWithValue(null);
      assertThat(jobs.plainFuture()).isNotNull();
      assertThat(jobs.plainFuture().get(1, TimeUnit.SECONDS)).isNull();
      assertThat(jobs.flowable()).isNotNull();
      assertThat(jobs.flowable().toList().blockingGet()).isEmpty();
      assertThat(jobs.observable().toList().blockingGet()).isEmpty();
      assertThat(jobs.maybe().blockingGet()).isNull();
      assertThat(jobs.completable().blockingAwait(1, TimeUnit.SECONDS)).isTrue();
      assertThat(LeaderOnlyTests.target(jobs).runs).isZero();
    });
  }

  @Test
  void admittedCallsReturnWhatTheMethodReturns() {
    runner().withPropertyValues("leader.election.mode=always-leader").withBean(AsyncJobs.class).run(context -> {
      AsyncJobs jobs = context.getBean(AsyncJobs.class);
      assertThat(jobs.future()).isCompletedWithValue("ran");
      assertThat(jobs.flowable().toList().blockingGet()).containsExactly("ran");
      assertThat(jobs.maybe().blockingGet()).isEqualTo("ran");
    });
  }

  @Test
  void aReactiveTypeThatCannotBeEmptyIsRefusedAtStartup() {
    // Single must emit one value: there is no "skipped" Single, so it cannot be @LeaderOnly.
    runner().withPropertyValues("leader.election.mode=never-leader").withBean(SingleJob.class)
        .run(context -> assertThat(context).getFailure()
            .hasMessageContaining("LeaderOnlyAsyncReturnTests.SingleJob.work()")
            .hasMessageContaining("Single"));
  }

  static class AsyncJobs {
    volatile int runs;

    @LeaderOnly
    public CompletableFuture<String> future() {
      runs++;
      return CompletableFuture.completedFuture("ran");
    }

    @LeaderOnly
    public CompletionStage<String> stage() {
      runs++;
      return CompletableFuture.completedFuture("ran");
    }

    @LeaderOnly
    public Future<String> plainFuture() {
      runs++;
      return CompletableFuture.completedFuture("ran");
    }

    @LeaderOnly
    public Flowable<String> flowable() {
      runs++;
      return Flowable.just("ran");
    }

    @LeaderOnly
    public Observable<String> observable() {
      runs++;
      return Observable.just("ran");
    }

    @LeaderOnly
    public Maybe<String> maybe() {
      runs++;
      return Maybe.just("ran");
    }

    @LeaderOnly
    public Completable completable() {
      runs++;
      return Completable.complete();
    }
  }

  static class SingleJob {
    @LeaderOnly
    public Single<String> work() {
      return Single.just("ran");
    }
  }
}
