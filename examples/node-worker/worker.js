#!/usr/bin/env node
// An external Quaero worker in Node.js.
//
// It creates a job over REST ("executor": "external": Quaero records the job, this program runs it),
// then publishes the job's log lines and status changes to Kafka (topic quaero.job-events, JSON
// per shared-contracts/src/main/resources/schemas/job-event.v1.schema.json), and stops early if
// someone cancels the job (a "cancel" command on quaero.job-dispatch).
//
//   QUAERO_URL=http://localhost:8080 QUAERO_KAFKA_BOOTSTRAP=localhost:9092 \
//     node worker.js [--lines 30] [--delay-ms 100] [--type node-etl]
//
// Exit codes: 0 completed, 1 error, 2 bad arguments, 3 cancelled by request, 130 interrupted.

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Kafka, Partitioners, logLevel } from 'kafkajs';

const JOB_EVENTS_TOPIC = 'quaero.job-events';
const JOB_DISPATCH_TOPIC = 'quaero.job-dispatch';
const EVENT_SCHEMA = 'quaero.job-event/v1';
const SOURCE = 'node-worker';

/** The steps this example job goes through, in order. Ids are stable within the job. */
const STEPS = [
  { id: 'extract', name: 'Extract orders' },
  { id: 'transform', name: 'Transform rows' },
  { id: 'load', name: 'Load warehouse' },
];

const USAGE = `Usage: node worker.js [--lines N] [--delay-ms MS] [--type NAME]

Creates an external Quaero job and runs it: log lines and status changes go to Kafka.

Options:
  --lines N       log lines to write, 3..100000 (default 30)
  --delay-ms MS   pause between lines in milliseconds, 0..60000 (default 100)
  --type NAME     job type shown in Quaero (default node-etl)
  -h, --help      show this help

Environment:
  QUAERO_URL              Quaero's HTTP origin (default http://localhost:8080)
  QUAERO_TOKEN            an API token of an operator (Authorization: Bearer); an admin makes one
                          with POST /api/admin/tokens, the dev stack's is QUAERO_DEV_ADMIN_TOKEN
  QUAERO_KAFKA_BOOTSTRAP  Kafka bootstrap servers, comma-separated (default localhost:9092)
  QUAERO_KAFKA_PASSWORD   on a secured cluster, the worker credential's password (SASL/SCRAM-SHA-512,
                          docs/WORKERS.md "Credentials"); unset: no login, as on ./quaero dev
  QUAERO_KAFKA_USERNAME   its user (default worker)`;

class UsageError extends Error {}

/** Why the job stopped before its end: a cancel command, or a signal to this process. */
class Stop extends Error {
  constructor(message, exitCode) {
    super(message);
    this.exitCode = exitCode;
  }
}

// ---------------------------------------------------------------------------------------------
// Configuration

function readConfig(args, env) {
  const { values } = parseArgs({
    args,
    options: {
      lines: { type: 'string' },
      'delay-ms': { type: 'string' },
      type: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return {
    help: values.help ?? false,
    url: (env.QUAERO_URL || 'http://localhost:8080').replace(/\/+$/, ''),
    token: env.QUAERO_TOKEN || '',
    brokers: (env.QUAERO_KAFKA_BOOTSTRAP || 'localhost:9092').split(',').map((b) => b.trim()).filter(Boolean),
    sasl: env.QUAERO_KAFKA_PASSWORD
      ? { mechanism: 'scram-sha-512', username: env.QUAERO_KAFKA_USERNAME || 'worker', password: env.QUAERO_KAFKA_PASSWORD }
      : undefined,
    lines: wholeNumber('--lines', values.lines ?? '30', 3, 100_000),
    delayMs: wholeNumber('--delay-ms', values['delay-ms'] ?? '100', 0, 60_000),
    type: values.type ?? 'node-etl',
  };
}

function wholeNumber(name, text, min, max) {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got '${text}'`);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Quaero REST API

/** POST /api/jobs; resolves to the created job ({id, status, links, ...}) or throws with the API's error. */
async function createJob(url, token, type, params) {
  let response;
  const auth = token ? { Authorization: `Bearer ${token}` } : {};
  try {
    response = await fetch(`${url}/api/jobs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...auth },
      body: JSON.stringify({ type, executor: 'external', params }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    throw new Error(`cannot reach Quaero at ${url} (${e.cause?.message ?? e.message}); is it running (./quaero dev)?`);
  }
  const text = await response.text();
  if (response.status !== 201) {
    // The jobs API answers every error with {"error", "field", "message"}: show it as it came.
    throw new Error(`POST ${url}/api/jobs answered HTTP ${response.status}: ${text.trim() || '(empty body)'}`);
  }
  const job = JSON.parse(text);
  if (typeof job.id !== 'string') {
    throw new Error(`POST ${url}/api/jobs answered 201 without a job id: ${text}`);
  }
  return job;
}

// ---------------------------------------------------------------------------------------------
// Events (quaero.job-event/v1). JSON.stringify leaves out fields that are undefined, which the
// schema allows for every optional field.

function logEvent(jobId, level, message, step) {
  return {
    schema: EVENT_SCHEMA,
    type: 'log',
    event_id: randomUUID(),
    job_id: jobId,
    timestamp: new Date().toISOString(),
    level,
    message,
    step_id: step?.id,
    step_name: step?.name,
    source: SOURCE,
  };
}

/** A status delta: `job` only when the job changed, `steps` only the steps that changed. */
function statusEvent(jobId, { job, steps }) {
  return {
    schema: EVENT_SCHEMA,
    type: 'status',
    event_id: randomUUID(),
    job_id: jobId,
    timestamp: new Date().toISOString(),
    job,
    steps: steps?.length ? steps.map(({ step, status }) => ({ id: step.id, name: step.name, status })) : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// Kafka

const QUIET_NAMESPACES = new Set(['Connection', 'BrokerPool']);

function createKafka(brokers, sasl) {
  return new Kafka({
    clientId: SOURCE,
    brokers,
    sasl, // SASL over plaintext, as ./quaero cluster and docker-compose.yml listen; add ssl: true for SASL_SSL
    connectionTimeout: 5_000,
    // kafkajs' default retries (5, with back-off) apply; an idempotent producer warns when given fewer.
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, label, log }) => {
      // Connection failures are retried, and reported once by the error that ends the retries.
      if (level <= logLevel.WARN && !QUIET_NAMESPACES.has(namespace)) {
        console.error(`kafkajs ${label}${namespace ? ` [${namespace}]` : ''}: ${log.message}`);
      }
    },
  });
}

/**
 * Every event of a job goes to quaero.job-events keyed by the job id, so all of them land in one
 * partition, in order (Quaero takes the partition of the job's first event as the job's). Any
 * partitioner that hashes the key does; kafkajs 2.x's default, named here only to silence its
 * warning about the 2.0 change, is one.
 */
function createProducer(kafka) {
  return kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true, // no duplicates or reordering on retries; implies acks from all in-sync replicas
    maxInFlightRequests: 1, // kafkajs requires this for idempotence
  });
}

async function publish(producer, event) {
  await producer.send({
    topic: JOB_EVENTS_TOPIC,
    acks: -1,
    messages: [{ key: event.job_id, value: JSON.stringify(event) }],
  });
}

/**
 * The end offsets of quaero.job-dispatch now, before the job exists: a cancel of the job can only
 * come after them, so the watcher reads from there without missing one and without reading history.
 */
async function dispatchEndOffsets(kafka) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await admin.fetchTopicOffsets(JOB_DISPATCH_TOPIC);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Watches quaero.job-dispatch for a cancel command of this job (key = job id) and calls onCancel.
 * A consumer group of its own (nothing is committed) gets every partition; it starts at
 * `endOffsets`. Resolves to the consumer once it has joined.
 */
async function watchForCancel(kafka, jobId, endOffsets, onCancel) {
  const consumer = kafka.consumer({
    // On a secured cluster the worker credential may use only groups named quaero.worker.*.
    groupId: `quaero.worker.${SOURCE}-${jobId}`,
    maxWaitTimeInMs: 1_000, // a fetch waits this long for commands; disconnecting waits for it too
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [JOB_DISPATCH_TOPIC], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        if (message.key?.toString('utf8') !== jobId) {
          return;
        }
        let command;
        try {
          command = JSON.parse(message.value.toString('utf8'));
        } catch {
          return; // not ours to judge; job-service only writes valid commands
        }
        if (command.type === 'cancel' && command.job_id === jobId) {
          onCancel();
        }
      },
    });
    for (const { partition, offset } of endOffsets) {
      consumer.seek({ topic: JOB_DISPATCH_TOPIC, partition, offset });
    }
    return consumer;
  } catch (e) {
    await consumer.disconnect().catch(() => {});
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// The job itself: a made-up ETL run with lines of every level, one error included.

/**
 * The log lines, spread over the steps 3 : 4 : 3, in order. Each step logs a first and a last
 * line (info) and between them its notable lines (warn, error) among numbered batches (debug);
 * when a step has few lines, batches give way first, then the later notable lines.
 */
function plan(lines) {
  const [extract, transform, load] = STEPS;
  const counts = [Math.max(1, Math.floor(lines * 0.3)), Math.max(1, Math.floor(lines * 0.4))];
  counts.push(lines - counts[0] - counts[1]);
  const rows = 250 * lines;
  const rejected = counts[1] >= 3 ? 1 : 0; // the transform step's error line fits
  return [
    ...stepLines(extract, counts[0], {
      first: { level: 'info', message: 'Connecting to source orders-db (read replica)' },
      notable: [{ at: 0.5, level: 'warn', message: 'Slow query on orders_archive: 2.4 s (threshold 1 s)' }],
      batch: (k, n) => `Fetched batch ${k} of ${n}: 250 rows`,
      last: { level: 'info', message: `Extracted ${rows} rows from 3 tables` },
    }),
    ...stepLines(transform, counts[1], {
      first: { level: 'info', message: `Normalising ${rows} rows` },
      notable: [
        { at: 0.6, level: 'error', message: "Row 1187 rejected: invalid date '2026-13-01' in shipped_at" },
        { at: 0.2, level: 'warn', message: "12 rows with unknown currency 'XBT' kept as is" },
      ],
      batch: (k, n) => `Transformed batch ${k} of ${n}`,
      last: { level: 'info', message: `Transformed ${rows - rejected} rows, ${rejected} rejected` },
    }),
    ...stepLines(load, counts[2], {
      first: { level: 'info', message: 'Writing to warehouse table sales_daily' },
      notable: [{ at: 0.5, level: 'warn', message: 'Lock timeout on sales_daily, retrying batch (attempt 2 of 5)' }],
      batch: (k, n) => `Upserted batch ${k} of ${n}`,
      last: { level: 'info', message: `Loaded ${rows - rejected} rows into sales_daily` },
    }),
  ];
}

/** `count` lines of one step: first, then notable lines at their place (0..1) among the batches, then last. */
function stepLines(step, count, { first, notable, batch, last }) {
  if (count === 1) {
    return [{ step, ...first }];
  }
  const between = count - 2;
  const kept = notable.slice(0, between);
  const batches = between - kept.length;
  const middle = Array.from({ length: batches }, (_, k) => ({ level: 'debug', message: batch(k + 1, batches) }));
  for (const { at, ...line } of kept) {
    middle.splice(Math.round(at * middle.length), 0, line);
  }
  return [first, ...middle, last].map((line) => ({ step, ...line }));
}

/**
 * Publishes the whole run: running (progress 0, first step running), the lines with a status at
 * each step change and every 10 %, then completed (100, last step completed). Stops with a
 * cancelled status when `stop` is aborted. `run.step` is the step running at any time.
 */
async function runJob(producer, jobId, { lines, delayMs }, stop, run) {
  const work = plan(lines);
  let progress = 0;
  run.step = work[0].step;
  try {
    stop.throwIfAborted();
    await publish(producer, statusEvent(jobId, {
      job: { status: 'running', progress },
      steps: [{ step: run.step, status: 'running' }],
    }));
    for (const [i, line] of work.entries()) {
      stop.throwIfAborted();
      if (line.step !== run.step) {
        await publish(producer, statusEvent(jobId, {
          job: { status: 'running', progress },
          steps: [{ step: run.step, status: 'completed' }, { step: line.step, status: 'running' }],
        }));
        run.step = line.step;
      }
      await publish(producer, logEvent(jobId, line.level, line.message, line.step));
      const done = Math.min(99, Math.floor(((i + 1) * 100) / work.length));
      if (Math.floor(done / 10) > Math.floor(progress / 10)) {
        await publish(producer, statusEvent(jobId, { job: { status: 'running', progress: done } }));
      }
      progress = done;
      if (delayMs > 0 && i < work.length - 1) {
        await sleep(delayMs, undefined, { signal: stop });
      }
    }
  } catch (e) {
    if (!stop.aborted) {
      throw e;
    }
    // After a cancel over the API job-service has already published `cancelled` for the job, but
    // not for its step; and a status this worker sent before it saw the command may have come
    // after job-service's. Saying `cancelled` once more leaves both right. Nothing follows it.
    await publish(producer, logEvent(jobId, 'warn', `${stop.reason.message}: stopping`, run.step));
    await publish(producer, statusEvent(jobId, {
      job: { status: 'cancelled' },
      steps: [{ step: run.step, status: 'cancelled' }],
    }));
    throw stop.reason;
  }
  await publish(producer, statusEvent(jobId, {
    job: { status: 'completed', progress: 100 },
    steps: [{ step: run.step, status: 'completed' }],
  }));
}

// ---------------------------------------------------------------------------------------------

/** Resolves to what `promise` resolves to, or to undefined after `ms` (the promise is then abandoned). */
function within(ms, promise) {
  return Promise.race([promise, sleep(ms, undefined, { ref: false })]);
}

async function main() {
  let config;
  try {
    config = readConfig(process.argv.slice(2), process.env);
  } catch (e) {
    console.error(`node-worker: ${e.message} (--help shows the options)`);
    return 2;
  }
  if (config.help) {
    console.log(USAGE);
    return 0;
  }

  const stopper = new AbortController();
  const onSignal = (signal) => {
    if (stopper.signal.aborted) {
      process.exit(130); // second signal: do not wait any longer
    }
    console.error(`node-worker: ${signal}, cancelling the job (again to quit at once)`);
    stopper.abort(new Stop(`Interrupted by ${signal}`, 130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const kafka = createKafka(config.brokers, config.sasl);
  const producer = createProducer(kafka);
  const run = { step: undefined }; // kept up to date by runJob, for a failed status
  let jobId;
  let watcher;
  try {
    // Kafka first: if it cannot be reached, no job is created that nobody would run.
    try {
      await producer.connect();
    } catch (e) {
      throw new Error(`cannot connect to Kafka at ${config.brokers.join(',')} (${e.message}); is it running (./quaero dev)?`);
    }
    let endOffsets;
    try {
      endOffsets = await dispatchEndOffsets(kafka);
    } catch (e) {
      console.error(`node-worker: cannot watch ${JOB_DISPATCH_TOPIC} for cancels (${e.message}); running without`);
    }

    const job = await createJob(config.url, config.token, config.type, { lines: config.lines, delay_ms: config.delayMs });
    jobId = job.id;
    console.log(`job id: ${jobId}`);
    console.log(`job page: ${config.url}/jobs/${jobId}`);
    console.log(`log stream: ${config.url}${job.links?.stream ?? `/api/jobs/${jobId}/logs/stream`}`);

    if (endOffsets) {
      watcher = watchForCancel(kafka, jobId, endOffsets, () => {
        if (!stopper.signal.aborted) {
          console.error('node-worker: cancel requested, stopping');
          stopper.abort(new Stop('Cancel requested', 3));
        }
      }).catch((e) => {
        console.error(`node-worker: cannot watch ${JOB_DISPATCH_TOPIC} for cancels (${e.message}); running without`);
      });
    }

    await runJob(producer, jobId, config, stopper.signal, run);
    console.log(`job ${jobId} completed: ${config.lines} lines`);
    return 0;
  } catch (e) {
    if (e instanceof Stop) {
      console.error(`node-worker: job ${jobId} cancelled (${e.message})`);
      return e.exitCode;
    }
    console.error(`node-worker: ${e.message}`);
    if (jobId) {
      // Best effort: say why the job ended, so it does not stay "running" until job-service times it out.
      const failed = (async () => {
        await publish(producer, logEvent(jobId, 'fatal', `Worker failed: ${e.message}`, run.step));
        await publish(producer, statusEvent(jobId, {
          job: { status: 'failed' },
          steps: run.step ? [{ step: run.step, status: 'failed' }] : [],
        }));
      })();
      await within(5_000, failed.catch(() => {}));
    }
    return 1;
  } finally {
    const consumer = watcher && (await within(15_000, watcher));
    await within(10_000, Promise.allSettled([producer.disconnect(), consumer?.disconnect()]));
  }
}

process.exitCode = await main();
// kafkajs may leave timers behind after disconnecting; do not wait for them.
process.exit();
