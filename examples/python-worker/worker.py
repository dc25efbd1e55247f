#!/usr/bin/env python3
"""An external Quaero worker in Python.

It creates a job over REST ("executor": "external": Quaero records the job, this program runs it),
then publishes the job's log lines and status changes to Kafka (topic quaero.job-events, JSON per
shared-contracts/src/main/resources/schemas/job-event.v1.schema.json), and stops early if someone
cancels the job (a "cancel" command on quaero.job-dispatch).

  QUAERO_URL=http://localhost:8080 QUAERO_KAFKA_BOOTSTRAP=localhost:9092 \\
    python3 worker.py [--lines 30] [--delay-ms 100] [--type python-etl]

Exit codes: 0 completed, 1 error, 2 bad arguments, 3 cancelled by request, 130 interrupted.

Standard library only, besides confluent-kafka (librdkafka). A port of examples/node-worker.
"""

import argparse
import json
import logging
import math
import os
import queue
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition

JOB_EVENTS_TOPIC = 'quaero.job-events'
JOB_DISPATCH_TOPIC = 'quaero.job-dispatch'
EVENT_SCHEMA = 'quaero.job-event/v1'
SOURCE = 'python-worker'

#: The steps this example job goes through, in order. Ids are stable within the job.
STEPS = [
    {'id': 'extract', 'name': 'Extract orders'},
    {'id': 'transform', 'name': 'Transform rows'},
    {'id': 'load', 'name': 'Load warehouse'},
]

USAGE = """Usage: python3 worker.py [--lines N] [--delay-ms MS] [--type NAME]

Creates an external Quaero job and runs it: log lines and status changes go to Kafka.

Options:
  --lines N       log lines to write, 3..100000 (default 30)
  --delay-ms MS   pause between lines in milliseconds, 0..60000 (default 100)
  --type NAME     job type shown in Quaero (default python-etl)
  -h, --help      show this help

Environment:
  QUAERO_URL              Quaero's HTTP origin (default http://localhost:8080)
  QUAERO_TOKEN            an API token of an operator (Authorization: Bearer); an admin makes one
                          with POST /api/admin/tokens, the dev stack's is QUAERO_DEV_ADMIN_TOKEN
  QUAERO_KAFKA_BOOTSTRAP  Kafka bootstrap servers, comma-separated (default localhost:9092)
  QUAERO_KAFKA_PASSWORD   on a secured cluster, the worker credential's password (SASL/SCRAM-SHA-512,
                          docs/WORKERS.md "Credentials"); unset: no login, as on ./quaero dev
  QUAERO_KAFKA_USERNAME   its user (default worker)
  QUAERO_KAFKA_SASL_MECHANISM  SCRAM-SHA-512 (default), or PLAIN with librdkafka older than 2.6.1"""

#: Time limit of the REST call that creates the job.
HTTP_TIMEOUT_S = 15
#: How long to wait for Kafka's metadata before giving up on it (at start, and for the dispatch topic).
KAFKA_CONNECT_TIMEOUT_S = 10
#: How long a poll of quaero.job-dispatch waits for a command; stopping the watcher waits for it too.
CANCEL_POLL_S = 1.0


class UsageError(Exception):
    pass


class Stop(Exception):
    """Why the job stopped before its end: a cancel command, or a signal to this process."""

    def __init__(self, message, exit_code):
        super().__init__(message)
        self.exit_code = exit_code


# ---------------------------------------------------------------------------------------------
# Configuration

class _Arguments(argparse.ArgumentParser):
    """argparse that reports a bad argument as a UsageError, so main() prints it like every other error."""

    def error(self, message):
        raise UsageError(message)


def read_config(args, env):
    parser = _Arguments(add_help=False, allow_abbrev=False)
    parser.add_argument('--lines', default='30')
    parser.add_argument('--delay-ms', default='100')
    parser.add_argument('--type', default='python-etl')
    parser.add_argument('-h', '--help', action='store_true')
    values = parser.parse_args(args)
    return {
        'help': values.help,
        'url': (env.get('QUAERO_URL') or 'http://localhost:8080').rstrip('/'),
        'token': env.get('QUAERO_TOKEN') or '',
        'brokers': [b.strip() for b in (env.get('QUAERO_KAFKA_BOOTSTRAP') or 'localhost:9092').split(',') if b.strip()],
        # librdkafka's login settings, given to the producer and the consumer alike; none without a password.
        'login': {'security.protocol': 'SASL_PLAINTEXT',
                  # PLAIN for librdkafka < 2.6.1, whose SCRAM Kafka 4 refuses (docs/WORKERS.md, "Credentials").
                  'sasl.mechanisms': env.get('QUAERO_KAFKA_SASL_MECHANISM') or 'SCRAM-SHA-512',
                  'sasl.username': env.get('QUAERO_KAFKA_USERNAME') or 'worker',
                  'sasl.password': env['QUAERO_KAFKA_PASSWORD']} if env.get('QUAERO_KAFKA_PASSWORD') else {},
        'lines': whole_number('--lines', values.lines, 3, 100_000),
        'delay_ms': whole_number('--delay-ms', values.delay_ms, 0, 60_000),
        'type': values.type,
    }


def whole_number(name, text, low, high):
    # isascii: str.isdigit() also accepts other scripts' digits, which the Node worker refuses.
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise UsageError(f"{name} must be a whole number from {low} to {high}, got '{text}'")
    return int(text)


# ---------------------------------------------------------------------------------------------
# Quaero REST API

def create_job(url, token, job_type, params):
    """POST /api/jobs; returns the created job ({id, status, links, ...}) or raises with the API's error."""
    headers = {'Content-Type': 'application/json', 'Accept': 'application/json'}
    if token:
        headers['Authorization'] = f'Bearer {token}'
    request = urllib.request.Request(
        f'{url}/api/jobs',
        method='POST',
        data=json.dumps({'type': job_type, 'executor': 'external', 'params': params}).encode('utf-8'),
        headers=headers,
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
            status, text = response.status, response.read().decode('utf-8', 'replace')
    except urllib.error.HTTPError as e:
        # The jobs API answers every error with {"error", "field", "message"}: show it as it came.
        status, text = e.code, e.read().decode('utf-8', 'replace')
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, 'reason', e)
        raise RuntimeError(f'cannot reach Quaero at {url} ({reason}); is it running (./quaero dev)?') from e
    if status != 201:
        raise RuntimeError(f"POST {url}/api/jobs answered HTTP {status}: {text.strip() or '(empty body)'}")
    job = json.loads(text)
    if not isinstance(job.get('id'), str):
        raise RuntimeError(f'POST {url}/api/jobs answered 201 without a job id: {text}')
    return job


# ---------------------------------------------------------------------------------------------
# Events (quaero.job-event/v1). Fields that are None are left out, which the schema allows for
# every optional field.

def now():
    """The current time as RFC 3339 in UTC with milliseconds, e.g. 2026-11-24T10:30:00.123Z."""
    return datetime.now(timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def _present(fields):
    return {k: v for k, v in fields.items() if v is not None}


def log_event(job_id, level, message, step=None):
    return _present({
        'schema': EVENT_SCHEMA,
        'type': 'log',
        'event_id': str(uuid.uuid4()),
        'job_id': job_id,
        'timestamp': now(),
        'level': level,
        'message': message,
        'step_id': step and step['id'],
        'step_name': step and step['name'],
        'source': SOURCE,
    })


def status_event(job_id, job=None, steps=None):
    """A status delta: `job` only when the job changed, `steps` ([(step, status)]) only the steps that changed."""
    return _present({
        'schema': EVENT_SCHEMA,
        'type': 'status',
        'event_id': str(uuid.uuid4()),
        'job_id': job_id,
        'timestamp': now(),
        'job': job,
        'steps': [{'id': step['id'], 'name': step['name'], 'status': status} for step, status in steps] if steps else None,
    })


# ---------------------------------------------------------------------------------------------
# Kafka

def _librdkafka_log():
    """
    Where librdkafka's log lines go (served by poll() and flush()): stderr, at warning and above,
    except connection failures (facility FAIL), which librdkafka retries and the error that ends
    the retries reports once.
    """
    logger = logging.getLogger('librdkafka')
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(f'{SOURCE}: kafka %(message)s'))
        logger.addHandler(handler)
        logger.addFilter(lambda record: not (record.args and record.args[0] == 'FAIL'))
        logger.setLevel(logging.WARNING)
        logger.propagate = False
    return logger


def _kafka_errors(error):
    """librdkafka's error callback. Connection failures are retried by librdkafka, and reported
    once by the error that ends the retries; anything else is worth a line."""
    if error.code() not in (KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN) or error.fatal():
        print(f'{SOURCE}: kafka: {error.str()}', file=sys.stderr)


class Publisher:
    """
    Every event of a job goes to quaero.job-events keyed by the job id, so all of them land in one
    partition, in order.

    The partitioner is deliberately librdkafka's default, consistent_random: CRC32 of the key
    (not murmur2 as in Java's client), so this job's partition may differ from the one a Java
    producer would pick. Quaero takes a job's partition to be the one its events land on; any
    partitioner that always sends one key to one partition works. Do not switch to a partitioner
    that ignores the key (random, round-robin): the job's events would be spread over partitions
    and their order lost (docs/WORKERS.md, "Kafka clients").

    Sends are asynchronous (librdkafka batches them); a failed delivery is raised by the next
    publish() or by flush().
    """

    def __init__(self, brokers, login):
        self._failure = None
        self._producer = Producer({
            **login,
            'bootstrap.servers': ','.join(brokers),
            'client.id': SOURCE,
            # Idempotence: when librdkafka retries a batch whose acknowledgement was lost, the broker
            # drops the copy, and batches of one partition stay in order across retries even with
            # several requests in flight. It implies acks=all (every in-sync replica has the event
            # before it counts as sent). Without it a retry could reorder the job's lines, and
            # Quaero stores and numbers them in the order of the partition.
            'enable.idempotence': True,
            'error_cb': _kafka_errors,
            'logger': _librdkafka_log(),
        })

    def connect(self, brokers):
        """Fails unless Kafka answers: then no job is created that nobody would run."""
        try:
            # Metadata of all topics, not of JOB_EVENTS_TOPIC: asking for one topic may create it
            # (librdkafka's allow.auto.create.topics is on for producers) with the broker's defaults.
            self._producer.list_topics(timeout=KAFKA_CONNECT_TIMEOUT_S)
        except KafkaException as e:
            raise RuntimeError(f"cannot connect to Kafka at {','.join(brokers)} ({e.args[0].str()}); "
                               'is it running (./quaero dev)?') from e

    def publish(self, event):
        if self._failure:
            raise self._failure
        value = json.dumps(event, ensure_ascii=False, separators=(',', ':')).encode('utf-8')
        while True:
            try:
                self._producer.produce(JOB_EVENTS_TOPIC, key=event['job_id'].encode('utf-8'), value=value,
                                       on_delivery=self._delivered)
                break
            except BufferError:
                # librdkafka's local queue (100,000 messages by default) is full: wait for deliveries.
                self._producer.poll(0.1)
        self._producer.poll(0)  # serves delivery callbacks

    def _delivered(self, error, message):
        if error is not None and self._failure is None:
            self._failure = RuntimeError(f'publishing to {JOB_EVENTS_TOPIC} failed: {error.str()}')

    def flush(self, timeout_s):
        """Waits up to timeout_s for every event to be acknowledged; raises if one was not."""
        deadline = time.monotonic() + timeout_s
        # Short slices: Python handles a signal (a second Ctrl-C) only between them.
        while len(self._producer) > 0 and time.monotonic() < deadline:
            self._producer.flush(min(0.2, max(0.0, deadline - time.monotonic())))
        if self._failure:
            raise self._failure
        if len(self._producer) > 0:
            raise RuntimeError(f'{len(self._producer)} events not acknowledged by Kafka within {timeout_s} s')


class CancelWatcher:
    """
    Watches quaero.job-dispatch for a cancel command of one job (key = job id) and calls on_cancel.

    The consumer assigns itself every partition, starting at the end offsets taken by prepare()
    before the job exists: a cancel of the job can only come after them, so none is missed and no
    history is read. Nothing is committed, and with assign() no consumer group is joined; the
    group id is there because confluent-kafka requires one.
    """

    def __init__(self, brokers, login):
        self._consumer = Consumer({
            **login,
            'bootstrap.servers': ','.join(brokers),
            'client.id': SOURCE,
            # On a secured cluster the worker credential may use only groups named quaero.worker.*.
            'group.id': f'quaero.worker.{SOURCE}-{uuid.uuid4()}',
            'enable.auto.commit': False,
            'error_cb': _kafka_errors,
            'logger': _librdkafka_log(),
        })
        self._start = []
        self._done = threading.Event()
        self._thread = None

    def prepare(self):
        """Takes the end offsets of quaero.job-dispatch, now, before the job is created."""
        try:
            topic = self._consumer.list_topics(timeout=KAFKA_CONNECT_TIMEOUT_S).topics.get(JOB_DISPATCH_TOPIC)
            if topic is None or topic.error is not None:
                raise RuntimeError(f"topic {JOB_DISPATCH_TOPIC}: {topic.error.str() if topic else 'does not exist'}")
            for partition in sorted(topic.partitions):
                tp = TopicPartition(JOB_DISPATCH_TOPIC, partition)
                _, end = self._consumer.get_watermark_offsets(tp, timeout=KAFKA_CONNECT_TIMEOUT_S)
                self._start.append(TopicPartition(JOB_DISPATCH_TOPIC, partition, end))
        except Exception:
            self._consumer.close()
            raise

    def start(self, job_id, on_cancel):
        self._thread = threading.Thread(target=self._watch, args=(job_id, on_cancel),
                                        name=f'{SOURCE} cancel watcher', daemon=True)
        self._thread.start()

    def _watch(self, job_id, on_cancel):
        try:
            self._consumer.assign(self._start)
            while not self._done.is_set():
                message = self._consumer.poll(CANCEL_POLL_S)
                if message is None or message.error() is not None or message.key() != job_id.encode('utf-8'):
                    continue  # errors are reported by error_cb and retried by librdkafka
                try:
                    command = json.loads(message.value())
                except ValueError:
                    continue  # not ours to judge; job-service only writes valid commands
                if isinstance(command, dict) and command.get('type') == 'cancel' and command.get('job_id') == job_id:
                    on_cancel()
                    return
        except Exception as e:  # never silently: the job goes on, without cancels
            print(f'{SOURCE}: cannot watch {JOB_DISPATCH_TOPIC} for cancels ({e}); running without', file=sys.stderr)
        finally:
            self._consumer.close()

    def close(self, timeout_s):
        self._done.set()
        if self._thread is None:
            self._consumer.close()
        else:
            self._thread.join(timeout_s)


# ---------------------------------------------------------------------------------------------
# Stopping

class Stopper:
    """
    Collects the reason to stop early, from the cancel watcher's thread or from a signal handler,
    for the job loop to act on at its next check() or during a sleep().

    A SimpleQueue because its put() is reentrant: a signal handler runs in the main thread between
    any two bytecodes, maybe inside a get() of the same queue; a Lock-based Event could deadlock
    there.
    """

    def __init__(self):
        self._requests = queue.SimpleQueue()
        self.reason = None

    def request(self, stop):
        self._requests.put(stop)

    def requested(self):
        return self.reason is not None or not self._requests.empty()

    def check(self):
        self._take(block=False)

    def sleep(self, seconds):
        """Sleeps, and raises the reason to stop as soon as there is one."""
        self._take(block=True, timeout=seconds)

    def _take(self, block, timeout=None):
        if self.reason is None:
            try:
                self.reason = self._requests.get(block, timeout)
            except queue.Empty:
                return
        raise self.reason


# ---------------------------------------------------------------------------------------------
# The job itself: a made-up ETL run with lines of every level, one error included.

def plan(lines):
    """
    The log lines as (step, level, message), spread over the steps 3 : 4 : 3, in order. Each step
    logs a first and a last line (info) and between them its notable lines (warn, error) among
    numbered batches (debug); when a step has few lines, batches give way first, then the later
    notable lines. The same lines as the Node worker's for the same --lines.
    """
    extract, transform, load = STEPS
    counts = [max(1, math.floor(lines * 0.3)), max(1, math.floor(lines * 0.4))]
    counts.append(lines - counts[0] - counts[1])
    rows = 250 * lines
    rejected = 1 if counts[1] >= 3 else 0  # the transform step's error line fits
    return [
        *step_lines(extract, counts[0],
                    first=('info', 'Connecting to source orders-db (read replica)'),
                    notable=[(0.5, 'warn', 'Slow query on orders_archive: 2.4 s (threshold 1 s)')],
                    batch=lambda k, n: f'Fetched batch {k} of {n}: 250 rows',
                    last=('info', f'Extracted {rows} rows from 3 tables')),
        *step_lines(transform, counts[1],
                    first=('info', f'Normalising {rows} rows'),
                    notable=[(0.6, 'error', "Row 1187 rejected: invalid date '2026-13-01' in shipped_at"),
                             (0.2, 'warn', "12 rows with unknown currency 'XBT' kept as is")],
                    batch=lambda k, n: f'Transformed batch {k} of {n}',
                    last=('info', f'Transformed {rows - rejected} rows, {rejected} rejected')),
        *step_lines(load, counts[2],
                    first=('info', 'Writing to warehouse table sales_daily'),
                    notable=[(0.5, 'warn', 'Lock timeout on sales_daily, retrying batch (attempt 2 of 5)')],
                    batch=lambda k, n: f'Upserted batch {k} of {n}',
                    last=('info', f'Loaded {rows - rejected} rows into sales_daily')),
    ]


def step_lines(step, count, first, notable, batch, last):
    """`count` lines of one step: first, then notable lines at their place (0..1) among the batches, then last."""
    if count == 1:
        return [(step, *first)]
    between = count - 2
    kept = notable[:between]
    batches = between - len(kept)
    middle = [('debug', batch(k + 1, batches)) for k in range(batches)]
    for at, level, message in kept:
        # floor(x + 0.5) is JavaScript's Math.round (Python's round() goes to even): same lines as Node's.
        middle.insert(math.floor(at * len(middle) + 0.5), (level, message))
    return [(step, level, message) for level, message in [first, *middle, last]]


class Run:
    """The step running at any time, kept up to date by run_job, for a failed status."""

    def __init__(self):
        self.step = None


def run_job(publisher, job_id, config, stopper, run):
    """
    Publishes the whole run: running (progress 0, first step running), the lines with a status at
    each step change and every 10 %, then completed (100, last step completed). Stops with a
    cancelled status when the stopper says so.
    """
    work = plan(config['lines'])
    delay_s = config['delay_ms'] / 1000
    progress = 0
    run.step = work[0][0]
    try:
        stopper.check()
        publisher.publish(status_event(job_id, job={'status': 'running', 'progress': progress},
                                       steps=[(run.step, 'running')]))
        for i, (step, level, message) in enumerate(work):
            stopper.check()
            if step is not run.step:
                publisher.publish(status_event(job_id, job={'status': 'running', 'progress': progress},
                                               steps=[(run.step, 'completed'), (step, 'running')]))
                run.step = step
            publisher.publish(log_event(job_id, level, message, step))
            done = min(99, (i + 1) * 100 // len(work))
            if done // 10 > progress // 10:
                publisher.publish(status_event(job_id, job={'status': 'running', 'progress': done}))
            progress = done
            if delay_s > 0 and i < len(work) - 1:
                stopper.sleep(delay_s)
    except Stop as stop:
        # After a cancel over the API job-service has already published `cancelled` for the job, but
        # not for its step; and a status this worker sent before it saw the command may have come
        # after job-service's. Saying `cancelled` once more leaves both right. Nothing follows it.
        publisher.publish(log_event(job_id, 'warn', f'{stop}: stopping', run.step))
        publisher.publish(status_event(job_id, job={'status': 'cancelled'}, steps=[(run.step, 'cancelled')]))
        raise
    publisher.publish(status_event(job_id, job={'status': 'completed', 'progress': 100},
                                   steps=[(run.step, 'completed')]))


# ---------------------------------------------------------------------------------------------

def main():
    try:
        config = read_config(sys.argv[1:], os.environ)
    except UsageError as e:
        print(f'{SOURCE}: {e} (--help shows the options)', file=sys.stderr)
        return 2
    if config['help']:
        print(USAGE)
        return 0

    stopper = Stopper()

    def on_signal(signum, _frame):
        name = signal.Signals(signum).name
        # os.write, not print: a signal handler may run in the middle of a print to the same stream.
        if stopper.requested():
            os.write(2, f'{SOURCE}: {name} again, quitting\n'.encode())
            os._exit(130)  # second signal: do not wait any longer
        os.write(2, f'{SOURCE}: {name}, cancelling the job (again to quit at once)\n'.encode())
        stopper.request(Stop(f'Interrupted by {name}', 130))

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    publisher = Publisher(config['brokers'], config['login'])
    run = Run()
    job_id = None
    watcher = None
    try:
        # Kafka first: if it cannot be reached, no job is created that nobody would run.
        publisher.connect(config['brokers'])
        try:
            watcher = CancelWatcher(config['brokers'], config['login'])
            watcher.prepare()
        except Exception as e:
            print(f'{SOURCE}: cannot watch {JOB_DISPATCH_TOPIC} for cancels ({e}); running without', file=sys.stderr)
            watcher = None

        job = create_job(config['url'], config['token'], config['type'], {'lines': config['lines'], 'delay_ms': config['delay_ms']})
        job_id = job['id']
        print(f'job id: {job_id}', flush=True)
        print(f"job page: {config['url']}/jobs/{job_id}", flush=True)
        stream = (job.get('links') or {}).get('stream') or f'/api/jobs/{job_id}/logs/stream'
        print(f"log stream: {config['url']}{stream}", flush=True)

        if watcher:
            def on_cancel():
                if not stopper.requested():
                    print(f'{SOURCE}: cancel requested, stopping', file=sys.stderr)
                    stopper.request(Stop('Cancel requested', 3))
            watcher.start(job_id, on_cancel)

        run_job(publisher, job_id, config, stopper, run)
        publisher.flush(10)  # every event acknowledged before saying so
        print(f"job {job_id} completed: {config['lines']} lines")
        return 0
    except Stop as stop:
        try:
            publisher.flush(10)
        except Exception as e:
            print(f'{SOURCE}: {e}', file=sys.stderr)
            return 1
        print(f'{SOURCE}: job {job_id} cancelled ({stop})', file=sys.stderr)
        return stop.exit_code
    except Exception as e:
        print(f'{SOURCE}: {e}', file=sys.stderr)
        if job_id:
            # Best effort: say why the job ended, so it does not stay "running" until job-service times it out.
            try:
                publisher.publish(log_event(job_id, 'fatal', f'Worker failed: {e}', run.step))
                publisher.publish(status_event(job_id, job={'status': 'failed'},
                                               steps=[(run.step, 'failed')] if run.step else None))
            except Exception:
                pass
            try:
                publisher.flush(5)
            except Exception:
                pass
        return 1
    finally:
        if watcher:
            watcher.close(CANCEL_POLL_S + 5)


if __name__ == '__main__':
    sys.exit(main())
