'use strict'

// A candidate process on @codedependant/kubernetes-leader-election (its Elector, on
// @kubernetes/client-node; benchmark and comparison only; see ../PROTOCOL.md).
//
// How that elector works (read off its lib/elector.js, 1.0.1), and what this program does:
// - It only talks to Kubernetes when KUBERNETES_SERVICE_HOST is set; without it, it declares
//   itself leader at once with no API call. Its client reads the kubeconfig with
//   KubeConfig.loadFromDefault(), which takes the KUBECONFIG file first. So this program points
//   KUBECONFIG at --kubeconfig (see kubeconfigForClient for an http:// server) and sets KUBERNETES_SERVICE_HOST (to a marker, when unset); the
//   variable is read for nothing else, as KUBECONFIG wins over the in-cluster config.
// - Settings it has: lease_duration_sec (= --lease-duration) and renew_interval_ms, the
//   leader's pause before each renewal (= --retry-period, as client-go's leader renews every
//   retry period). It has no renew deadline (one failed renewal loses leadership) and no
//   follower retry period: a follower tries at start, then twice more LD/2 apart, and after
//   that only when a watch event says the Lease was deleted. --renew-deadline is accepted and
//   not used.
// - Events: leadership_acquired -> ELECTED, leadership_lost -> LOST, lease_renewed -> RENEWED
//   (its time is when the event fired, after the write: there is no send time). No fencing
//   token: -1.
// - stop() ends the watch and, when leading, writes the Lease with holderIdentity and
//   renewTime null (its release); it emits no leadership_lost, so LOST SHUTDOWN is printed
//   here once stop() has returned (after the release, as with the Java peers). auto_close is
//   off so that this program, not the library, handles SIGTERM and then exits.
// - Leader-only work checks elector.current_leader before each start, as its README shows.
// - Times are process.hrtime.bigint(): libuv's uv_hrtime, CLOCK_MONOTONIC on Linux, the clock
//   of Java's System.nanoTime(), so they compare with the runner's.

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const readline = require('node:readline')
const util = require('node:util')

function parseArgs(argv) {
  const m = new Map()
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) {
      throw new Error(`expected --name value pairs, got ${argv.join(' ')}`)
    }
    m.set(argv[i].slice(2), argv[i + 1])
  }
  const required = (name) => {
    if (!m.has(name)) throw new Error(`missing --${name}`)
    return m.get(name)
  }
  const int = (name, def) => {
    const v = m.has(name) ? m.get(name) : (def === undefined ? required(name) : def)
    if (!/^-?\d+$/.test(v)) throw new Error(`--${name}: not an integer: ${v}`)
    return Number(v)
  }
  return {
    kubeconfig: required('kubeconfig')
  , namespace: required('namespace')
  , lease: required('lease')
  , identity: required('identity')
  , leaseDurationSec: int('lease-duration')
  , renewDeadlineMs: int('renew-deadline')
  , retryPeriodMs: int('retry-period')
  , workIntervalMs: int('work-interval-ms', '0')
  , workDurationMs: int('work-duration-ms', '50')
  , wallOffsetMs: int('wall-offset-ms', '0')
  , leases: m.get('leases')
  }
}

// Writes to a pipe are synchronous in Node on Linux: each line is out before the next step.
function line(...fields) {
  process.stdout.write(fields.join(' ') + '\n')
}

function now() {
  return process.hrtime.bigint().toString()
}

// The abstract-logging interface the library calls (pino style: an optional object or error
// first, then a format string), to stderr.
function stderrLogger() {
  const write = (level) => (...a) => {
    const first = a[0]
    let prefix = ''
    if (first instanceof Error) {
      prefix = `${first.name}: ${first.message} `
      a.shift()
    } else if (first !== null && typeof first === 'object') {
      prefix = JSON.stringify(first) + ' '
      a.shift()
    }
    process.stderr.write(`${now()} ${level} ${prefix}${util.format(...a)}\n`)
  }
  const log = {
    fatal: write('FATAL')
  , error: write('ERROR')
  , warn: write('WARN')
  , info: write('INFO')
  , debug: write('DEBUG')
  , trace: () => {}
  }
  log.child = () => log
  return log
}

// @kubernetes/client-node refuses an http:// server unless its cluster says
// insecure-skip-tls-verify (there is no TLS to verify then). The chaos suite reaches the API
// server through a plain-HTTP hop on loopback (to rewrite Lease bodies): for such a server the
// elector gets a copy of the kubeconfig with that flag set; any other kubeconfig is used as is.
function kubeconfigForClient(file) {
  const {KubeConfig} = require('@kubernetes/client-node')
  const kc = new KubeConfig()
  kc.loadFromFile(file)
  const cluster = kc.getCurrentCluster()
  if (!cluster || !cluster.server.startsWith('http:') || cluster.skipTLSVerify) return file
  kc.clusters = kc.clusters.map((c) => (c.name === cluster.name ? {...c, skipTLSVerify: true} : c))
  const copy = path.join(os.tmpdir(), `candidate-node-${process.pid}.kubeconfig`)
  fs.writeFileSync(copy, kc.exportConfig(), {mode: 0o600})
  process.on('exit', () => fs.rmSync(copy, {force: true}))
  return copy
}

function main() {
  let args
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(err.message + '\n')
    process.exit(2)
  }
  if (args.leases !== undefined) {
    // PROTOCOL.md "Several leases": only the Java programs of ours, client-java and fabric8 run several.
    process.stderr.write('UNSUPPORTED --leases: this program runs one election; start one process per lease\n')
    process.exit(2)
  }
  if (args.wallOffsetMs !== 0) {
    // Expiry compares renewTime with Date.now() and there is no way to inject a clock:
    // refuse rather than run a clock-skew experiment that silently has no skew.
    process.stderr.write('UNSUPPORTED --wall-offset-ms: this elector has no injectable clock\n')
    process.exit(2)
  }
  process.env.KUBECONFIG = kubeconfigForClient(path.resolve(args.kubeconfig))
  if (!process.env.KUBERNETES_SERVICE_HOST) {
    process.env.KUBERNETES_SERVICE_HOST = 'kubeconfig'
  }
  const {Elector, EVENTS} = require('@codedependant/kubernetes-leader-election')

  const elector = new Elector({
    auto_close: false
  , identity: args.identity
  , lease_name: args.lease
  , namespace: args.namespace
  , lease_duration_sec: args.leaseDurationSec
  , renew_interval_ms: args.retryPeriodMs
  , log: stderrLogger()
  })

  let leading = false
  let stopping = false
  elector.on(EVENTS.LEADERSHIP_ACQUIRED, () => {
    // It can emit twice in a row (a delayed watch handler); one term, one line.
    if (!leading) {
      leading = true
      line('ELECTED', now(), '-1')
    }
  })
  elector.on(EVENTS.LEADERSHIP_LOST, () => {
    if (leading) {
      leading = false
      line('LOST', now(), stopping ? 'SHUTDOWN' : 'LEADERSHIP_LOST')
    }
  })
  elector.on(EVENTS.LEASE_RENEWED, () => line('RENEWED', now()))

  // Leader-only work: pause, check, work, repeat (the Java peers' loop). workIdle resolves
  // when no execution runs any more after stopping.
  let seq = 0
  let working = false
  let onIdle = null
  const workIdle = () => new Promise((resolve) => {
    if (!working) resolve()
    else onIdle = resolve
  })
  const scheduleWork = () => {
    if (args.workIntervalMs <= 0 || stopping) return
    setTimeout(() => {
      if (stopping || !elector.current_leader) return scheduleWork()
      const n = String(++seq)
      working = true
      line('WORK_START', now(), n, '-1')
      setTimeout(() => {
        line('WORK_END', now(), n)
        working = false
        if (onIdle) onIdle()
        scheduleWork()
      }, args.workDurationMs)
    }, args.workIntervalMs)
  }

  let shutdown = null
  const stop = () => {
    if (shutdown) return shutdown
    stopping = true
    shutdown = (async () => {
      await workIdle()
      const wasLeading = leading
      // stop() awaits the release; bounded so a hung request cannot keep the process.
      await Promise.race([
        elector.stop().catch((err) => process.stderr.write(`stop failed: ${err}\n`))
      , new Promise((resolve) => setTimeout(resolve, args.renewDeadlineMs + 5000).unref())
      ])
      if (wasLeading && leading) {
        leading = false
        line('LOST', now(), 'SHUTDOWN')
      }
      line('CLOSED', now())
      process.exit(0)
    })()
    return shutdown
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)

  const input = readline.createInterface({input: process.stdin})
  input.on('line', (text) => {
    // Commands of PROTOCOL.md (STEP_DOWN, SLOW_LOST): this elector has no such hooks, so
    // each one is answered as unsupported and otherwise ignored.
    const words = text.trim().split(/\s+/)
    if (words[0]) line('UNSUPPORTED', now(), words[0])
  })
  input.on('close', stop)

  elector.start().catch((err) => process.stderr.write(`start failed: ${err}\n`))
  line('READY', args.identity, String(process.pid))
  scheduleWork()
}

main()
