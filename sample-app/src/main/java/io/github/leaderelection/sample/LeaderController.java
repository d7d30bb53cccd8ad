package io.github.leaderelection.sample;

import io.github.leaderelection.spring.LeaderElection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /leader}: what this replica knows about the election. */
@RestController
public class LeaderController {

  private final LeaderElection election;
  private final CleanupJob job;

  public LeaderController(LeaderElection election, CleanupJob job) {
    this.election = election;
    this.job = job;
  }

  @GetMapping("/leader")
  public Map<String, Object> leader() {
    var status = election.status();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("identity", status.identity());
    body.put("leader", election.isLeader());
    body.put("holder", election.currentHolder().orElse(null));
    body.put("fencingToken", election.fencingToken().isPresent() ? election.fencingToken().getAsLong() : null);
    body.put("leaseTransitions", status.leaseTransitions());
    body.put("jobRuns", job.runs());
    return body;
  }
}
