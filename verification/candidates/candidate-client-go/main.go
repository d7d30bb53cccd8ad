// Command candidate-client-go is a candidate process on client-go's
// tools/leaderelection LeaderElector with a LeaseLock (benchmark and comparison only;
// see ../PROTOCOL.md for the lines it prints and the commands it reads).
//
// How that elector is meant to be used, and what this program therefore does:
//   - LeaderElector.Run blocks while competing and leading and returns once leadership is
//     lost (or its context is cancelled); it does not compete again by itself. Kubernetes'
//     own components exit then; a candidate keeps competing, so a loop builds a new elector
//     (fresh observed record, as a restarted process would have) and runs it again.
//   - OnStartedLeading runs on its own goroutine with a context that ends with the term;
//     OnStoppedLeading runs when Run returns, also when this candidate never led. ELECTED and
//     LOST are printed only for terms that really started, in order.
//   - ReleaseOnCancel is set: on SIGTERM / stdin EOF the leader-only work is stopped first
//     (the option's documentation asks that guarded code has completed before the cancel),
//     then the context is cancelled; the elector writes an empty holder with a 1 s duration
//     and Run returns, which delivers OnStoppedLeading (so LOST comes after the release).
//   - There is no renewal callback and no fencing token: no RENEWED lines, token -1.
//     Leader-only work starts only while the term's context is live and IsLeader() holds.
//   - Times are CLOCK_MONOTONIC nanoseconds, the clock of Java's System.nanoTime() on Linux,
//     so they compare with the runner's.
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

type args struct {
	kubeconfig    string
	namespace     string
	lease         string
	identity      string
	leaseDuration time.Duration
	renewDeadline time.Duration
	retryPeriod   time.Duration
	workInterval  time.Duration
	workDuration  time.Duration
	wallOffset    time.Duration
}

func parseArgs(argv []string) (args, error) {
	m := map[string]string{}
	for i := 0; i < len(argv); i += 2 {
		if !strings.HasPrefix(argv[i], "--") || i+1 >= len(argv) {
			return args{}, fmt.Errorf("expected --name value pairs, got %s", strings.Join(argv, " "))
		}
		m[strings.TrimPrefix(argv[i], "--")] = argv[i+1]
	}
	var err error
	str := func(name string) string {
		v, ok := m[name]
		if !ok && err == nil {
			err = fmt.Errorf("missing --%s", name)
		}
		return v
	}
	num := func(name, def string) int64 {
		v, ok := m[name]
		if !ok {
			if def == "" {
				if err == nil {
					err = fmt.Errorf("missing --%s", name)
				}
				return 0
			}
			v = def
		}
		n, e := strconv.ParseInt(v, 10, 64)
		if e != nil && err == nil {
			err = fmt.Errorf("--%s: %v", name, e)
		}
		return n
	}
	a := args{
		kubeconfig:    str("kubeconfig"),
		namespace:     str("namespace"),
		lease:         str("lease"),
		identity:      str("identity"),
		leaseDuration: time.Duration(num("lease-duration", "")) * time.Second,
		renewDeadline: time.Duration(num("renew-deadline", "")) * time.Millisecond,
		retryPeriod:   time.Duration(num("retry-period", "")) * time.Millisecond,
		workInterval:  time.Duration(num("work-interval-ms", "0")) * time.Millisecond,
		workDuration:  time.Duration(num("work-duration-ms", "50")) * time.Millisecond,
		wallOffset:    time.Duration(num("wall-offset-ms", "0")) * time.Millisecond,
	}
	return a, err
}

// report writes protocol lines to stdout, one whole line at a time (stdout is unbuffered
// in Go, so each line is written and visible at once).
type report struct{ mu sync.Mutex }

func (r *report) line(fields ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(os.Stdout, strings.Join(fields, " "))
}

// now is CLOCK_MONOTONIC in nanoseconds: Go's time.Now() keeps a monotonic reading but does
// not expose it as an absolute value comparable with other processes.
func now() string {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		panic(err)
	}
	return strconv.FormatInt(ts.Nano(), 10)
}

// terms pairs ELECTED/LOST per Run call: OnStartedLeading is started asynchronously, so it
// may come after OnStoppedLeading of the same call; then neither line is printed.
type terms struct {
	mu       sync.Mutex
	r        *report
	current  int64
	elected  int64
	ended    int64
	leading  bool
	termCtx  context.Context
	elector  *leaderelection.LeaderElector
	stopping bool
}

func (t *terms) next(le *leaderelection.LeaderElector) (int64, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopping {
		return 0, false
	}
	t.current++
	t.elector = le
	return t.current, true
}

func (t *terms) startedLeading(term int64, ctx context.Context) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended < term {
		t.elected = term
		t.leading = true
		t.termCtx = ctx
		t.r.line("ELECTED", now(), "-1")
	}
}

func (t *terms) stoppedLeading(term int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ended = term
	if t.elected == term && t.leading {
		t.leading = false
		t.termCtx = nil
		reason := "STOPPED_LEADING"
		if t.stopping {
			reason = "SHUTDOWN"
		}
		t.r.line("LOST", now(), reason)
	}
}

func (t *terms) wasElected(term int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.elected == term
}

// mayWork: leading by the callbacks, the term's context live, and the elector's own view.
func (t *terms) mayWork() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.leading && !t.stopping && t.termCtx != nil && t.termCtx.Err() == nil &&
		t.elector != nil && t.elector.IsLeader()
}

func (t *terms) setStopping() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopping = true
}

// tokenOverPlainHTTP: clientcmd applies a kubeconfig's credentials only when the server is
// reached over TLS. The chaos suite puts a plain-HTTP hop on loopback in front of the API
// server (to rewrite Lease bodies), so for an http:// server the token of the current context
// is set here; the elector itself is not involved.
func tokenOverPlainHTTP(cfg *rest.Config, kubeconfig string) error {
	if cfg.BearerToken != "" || !strings.HasPrefix(cfg.Host, "http://") {
		return nil
	}
	raw, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil {
		return err
	}
	if ctx, ok := raw.Contexts[raw.CurrentContext]; ok {
		if user, ok := raw.AuthInfos[ctx.AuthInfo]; ok {
			cfg.BearerToken = user.Token
		}
	}
	return nil
}

func main() {
	for i := 1; i+1 < len(os.Args); i += 2 {
		if os.Args[i] == "--leases" {
			// PROTOCOL.md "Several leases": only the Java programs of ours, client-java and fabric8 run several.
			fmt.Fprintln(os.Stderr, "UNSUPPORTED --leases: this program runs one election; start one process per lease")
			os.Exit(2)
		}
	}
	a, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if a.wallOffset != 0 {
		// The elector's clock is an unexported field set to the real clock: refuse rather
		// than run a clock-skew experiment that silently has no skew.
		fmt.Fprintln(os.Stderr, "UNSUPPORTED --wall-offset-ms: client-go's LeaderElector has no injectable clock")
		os.Exit(2)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", a.kubeconfig)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kubeconfig:", err)
		os.Exit(2)
	}
	if err := tokenOverPlainHTTP(cfg, a.kubeconfig); err != nil {
		fmt.Fprintln(os.Stderr, "kubeconfig:", err)
		os.Exit(2)
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(2)
	}

	r := &report{}
	t := &terms{r: r}
	ctx, cancel := context.WithCancel(context.Background())
	electionDone := make(chan struct{})

	newElector := func(term *int64) (*leaderelection.LeaderElector, error) {
		lock := &resourcelock.LeaseLock{
			LeaseMeta:  metav1.ObjectMeta{Namespace: a.namespace, Name: a.lease},
			Client:     client.CoordinationV1(),
			LockConfig: resourcelock.ResourceLockConfig{Identity: a.identity},
		}
		return leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
			Lock:            lock,
			LeaseDuration:   a.leaseDuration,
			RenewDeadline:   a.renewDeadline,
			RetryPeriod:     a.retryPeriod,
			ReleaseOnCancel: true,
			Name:            a.lease,
			Callbacks: leaderelection.LeaderCallbacks{
				OnStartedLeading: func(c context.Context) { t.startedLeading(*term, c) },
				OnStoppedLeading: func() { t.stoppedLeading(*term) },
			},
		})
	}
	// Fail on a bad configuration (e.g. RD <= 1.2 RP) before READY, as the Java ones do.
	var probeTerm int64
	if _, err := newElector(&probeTerm); err != nil {
		fmt.Fprintln(os.Stderr, "elector:", err)
		os.Exit(2)
	}

	go func() {
		defer close(electionDone)
		for ctx.Err() == nil {
			term := new(int64)
			le, err := newElector(term)
			if err != nil {
				fmt.Fprintln(os.Stderr, "elector:", err)
				return
			}
			n, ok := t.next(le)
			if !ok {
				return
			}
			*term = n
			started := time.Now()
			le.Run(ctx)
			if ctx.Err() == nil && !t.wasElected(n) {
				// Run returned without a term: do not spin.
				if d := a.retryPeriod - time.Since(started); d > 0 {
					select {
					case <-time.After(d):
					case <-ctx.Done():
					}
				}
			}
		}
	}()
	r.line("READY", a.identity, strconv.Itoa(os.Getpid()))

	// Leader-only work; workIdle is closed when no execution is running any more.
	workStop := make(chan struct{})
	workIdle := make(chan struct{})
	go func() {
		defer close(workIdle)
		if a.workInterval <= 0 {
			return
		}
		var seq int64
		for {
			select {
			case <-workStop:
				return
			case <-time.After(a.workInterval):
			}
			if !t.mayWork() {
				continue
			}
			seq++
			n := strconv.FormatInt(seq, 10)
			r.line("WORK_START", now(), n, "-1")
			time.Sleep(a.workDuration)
			r.line("WORK_END", now(), n)
		}
	}()

	stop := make(chan string, 2)
	go func() {
		in := bufio.NewScanner(os.Stdin)
		for in.Scan() {
			// Commands of PROTOCOL.md (STEP_DOWN, SLOW_LOST): this elector has no such hooks,
			// so each one is answered as unsupported and otherwise ignored.
			if f := strings.Fields(in.Text()); len(f) > 0 {
				r.line("UNSUPPORTED", now(), f[0])
			}
		}
		stop <- "stdin closed"
	}()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		s := <-signals
		stop <- s.String()
	}()

	<-stop
	t.setStopping()
	close(workStop)
	<-workIdle
	cancel() // Run releases the lease (ReleaseOnCancel), then calls OnStoppedLeading
	select {
	case <-electionDone:
	case <-time.After(a.renewDeadline + 5*time.Second):
		fmt.Fprintln(os.Stderr, "elector did not stop in time")
	}
	r.line("CLOSED", now())
	os.Exit(0)
}
