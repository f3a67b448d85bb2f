/*
 * samsa_loadgen: the benchmarks' load generator of record, on librdkafka's public C API.
 *
 *   samsa_loadgen produce -b HOST:PORT -t TOPIC [-s SIZE] (-n COUNT | -d SECONDS) [-a ACKS]
 *                         [-l LINGER_MS] [-B BATCH_BYTES] [-p PARTITIONS] [-P PRODUCERS]
 *                         [-T TIMEOUT_S] [-X key=value]...
 *   samsa_loadgen consume -b HOST:PORT -t TOPIC -n COUNT [-p PARTITIONS] [-g GROUP]
 *                         [-T TIMEOUT_S] [-X key=value]...
 *   samsa_loadgen latency -b HOST:PORT -t TOPIC [-s SIZE] -r RATE -d SECONDS [-a ACKS]
 *                         [-T TIMEOUT_S] [-X key=value]...
 *   samsa_loadgen fleet -b HOST:PORT -t TOPIC -P PRODUCERS -I INTERVAL_MS -d SECONDS [-s SIZE]
 *                       [-a ACKS] [-G THREADS] [-D DRAIN_S] [-S INDEX/COUNT] [-W]
 *                       [-T TIMEOUT_S] [-X key=value]...
 *
 * produce: PRODUCERS producer instances (one thread each) send COUNT values of SIZE random
 *   bytes in all (or send for SECONDS), without keys; the clock starts once every instance has
 *   the topic's metadata and stops when every message is acknowledged.
 * consume: reads COUNT messages, by assigning every partition from the beginning (no group),
 *   or as a member of GROUP (subscribe); the clock starts with the assignment or subscription.
 * latency: a paced producer (RATE messages/s for SECONDS, partition 0) and a consumer in the
 *   same process; each value carries its scheduled send time (CLOCK_MONOTONIC), and the
 *   consumer records now minus that time, in microseconds, into a log-linear histogram, from
 *   LATENCY_WARMUP_S into the run. A stall counts against every message it delays.
 * fleet: PRODUCERS producer instances, each its own rd_kafka_t and connection (as many small
 *   applications have), each sending one record of SIZE bytes every INTERVAL_MS for SECONDS,
 *   one record per Produce request (linger.ms=0, batch.num.messages=1). Record k of producer i
 *   is due at start + i * INTERVAL_MS / PRODUCERS + k * INTERVAL_MS (a smooth load) and is
 *   handed to librdkafka then; its latency is its delivery report's time minus its due time,
 *   so a generator that falls behind counts against the result. THREADS generator threads
 *   each own a share of the instances and sleep until the next due record or an instance's
 *   event (librdkafka writes the instance's index to the thread's pipe). After the last due
 *   record, outstanding ones get DRAIN_S seconds; what is left is purged and counted as
 *   undelivered, at its latency so far (as is every record a thread that fell that far behind
 *   never handed over: unsent, a part of undelivered). Each instance delivers one warm-up record before the
 *   clock starts. -S INDEX/COUNT runs the instances INDEX, INDEX+COUNT, ... of the fleet only
 *   (a fleet split over COUNT processes); -W prints {"ready": ...} once set up and starts on
 *   SIGUSR1 (the processes of one fleet start together). The JSON adds offered, sent,
 *   delivered, failed, undelivered, unsent, queue_full, setup_s, behind_max_ms, the percentiles and
 *   hist_us (the histogram: [bucket top us, count] pairs, for merging processes).
 *
 * -X sets any librdkafka property (after the defaults below; for latency, on both clients).
 * Prints one JSON line: role, messages, bytes, elapsed_s, cpu_s (this process, all threads),
 * librdkafka (the version linked), and for latency rate, p50_ms, p99_ms, p999_ms, max_ms,
 * recorded (fleet: see above). On failure it prints {"error": "..."} and exits with status 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

/* Most -X properties on one command line. */
#define MAX_PROPS 64
/* Most producer instances (threads) of the produce role. */
#define MAX_PRODUCERS 64
/* Messages one consume_batch_queue call returns at most. */
#define CONSUME_BATCH 10000
/* Messages the latency consumer takes per wake-up at most. */
#define LATENCY_BATCH 1000
/* Latency is recorded from this far into a run (connections and first fetches settle). */
#define LATENCY_WARMUP_S 0.5
/* Most time the latency consumer waits for the last messages after the producer stopped. */
#define LATENCY_DRAIN_S 10.0
/* Bytes of a latency value that carry its scheduled time and sequence number. */
#define LATENCY_HEADER 16
/* Histogram: values below 2^SUB_BITS+1 us are exact, above that each power of two is split
 * into 2^SUB_BITS buckets (relative error < 1/128). 64 doublings cover any uint64. */
#define SUB_BITS 7
#define SUB_COUNT (1 << SUB_BITS)
#define HIST_BUCKETS (2 * SUB_COUNT + 64 * SUB_COUNT)
/* Timeout of metadata and watermark requests before the clock starts, ms. */
#define REQUEST_TIMEOUT_MS 30000
/* Default bound on a whole run, seconds. */
#define DEFAULT_TIMEOUT_S 300.0
/* Most fleet members in one process: each has 3 librdkafka threads (main, internal, its
 * broker's) and 5 file descriptors (its socket and wake-up pipes): 9,000 threads stay clear of
 * the kernel's default limit of 32,768 process ids, 15,000 descriptors of a common open-files
 * limit of 16,384 (the process raises its soft limit to the hard one). Larger fleets split over
 * processes (-S). */
#define MAX_FLEET 3000
/* File descriptors a fleet member holds (measured with librdkafka 2.0.2), and the process's
 * own beyond them. */
#define FLEET_FDS_PER_MEMBER 5
#define FLEET_FDS_SPARE 64
/* Most generator threads of the fleet role. */
#define MAX_FLEET_THREADS 64
/* Fleet: generator threads by default (each serves its members' queues in turn). */
#define FLEET_THREADS 4
/* Fleet: default wait for outstanding deliveries after the last record is due, seconds. */
#define FLEET_DRAIN_S 10.0
/* Fleet: how often every member is polled even without a wake-up (a safety net only: each
 * member's queue writes its index to its thread's pipe when it gets an event). */
#define FLEET_SWEEP_NS 100000000
/* Fleet: most time to collect the reports of purged records after the drain, seconds. */
#define FLEET_PURGE_S 5.0
/* Fleet: most records a generator thread hands over before it takes delivery reports again. */
#define FLEET_BURST 64
/* Fleet: a thread that is behind pauses this long after each burst, ns: with more runnable
 * threads than CPUs, a thread that never sleeps would starve the librdkafka threads that send
 * its records (the records it is late with count against the result either way). */
#define FLEET_CATCH_UP_PAUSE_NS 100000
/* Fleet: the first records are due this long after the start (every thread is running). */
#define FLEET_LEAD_NS 1000000

typedef struct {
    const char *role;
    const char *bootstrap;
    const char *topic;
    const char *group;
    int size;
    int64_t count;
    double seconds;
    const char *acks;
    const char *linger_ms;
    const char *batch_bytes;
    int partitions;
    int producers;
    double rate;
    double timeout_s;
    double interval_ms;
    int threads;
    double drain_s;
    int slice;
    int slice_of;
    int wait_go;
    const char *value;
    int nprops;
    char *props[MAX_PROPS][2];
} options_t;

static options_t opt;

/* -- helpers ------------------------------------------------------------------------------ */

/* `text` as the inside of a JSON string (quotes and backslashes escaped, controls blanked). */
static void put_json_text(const char *text) {
    for (const char *c = text; *c; c++) {
        if (*c == '"' || *c == '\\')
            putchar('\\');
        putchar((unsigned char)*c >= 0x20 ? *c : ' ');
    }
}

static void fail(const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "samsa_loadgen: %s\n", buf);
    printf("{\"error\": \"");
    put_json_text(buf);
    printf("\"}\n");
    fflush(stdout);
    exit(1);
}

static int64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static void set(rd_kafka_conf_t *conf, const char *key, const char *value) {
    char err[512];
    if (rd_kafka_conf_set(conf, key, value, err, sizeof err) != RD_KAFKA_CONF_OK)
        fail("%s=%s: %s", key, value, err);
}

static void on_error(rd_kafka_t *rk, int code, const char *reason, void *opaque) {
    (void)opaque;
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
        char why[512];
        rd_kafka_fatal_error(rk, why, sizeof why);
        fail("fatal: %s", why);
    }
    fprintf(stderr, "samsa_loadgen: %s: %s\n", rd_kafka_err2name(code), reason);
}

/* A configuration with the bootstrap servers, the role's defaults and every -X on top. */
static rd_kafka_conf_t *config(const char *const defaults[][2], size_t ndefaults) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", opt.bootstrap);
    for (size_t i = 0; i < ndefaults; i++)
        set(conf, defaults[i][0], defaults[i][1]);
    for (int i = 0; i < opt.nprops; i++)
        set(conf, opt.props[i][0], opt.props[i][1]);
    rd_kafka_conf_set_error_cb(conf, on_error);
    return conf;
}

static rd_kafka_t *client(rd_kafka_type_t type, rd_kafka_conf_t *conf) {
    char err[512];
    rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof err);
    if (!rk)
        fail("rd_kafka_new: %s", err);
    return rk;
}

/* Timeout of a request before the clock starts, ms: REQUEST_TIMEOUT_MS or -T if shorter. */
static int request_timeout_ms(void) {
    double t = opt.timeout_s * 1000;
    return t < REQUEST_TIMEOUT_MS ? (int)t : REQUEST_TIMEOUT_MS;
}

/* The topic's partition count from a metadata request (which also connects). */
static int partition_count(rd_kafka_t *rk, const char *topic) {
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    const struct rd_kafka_metadata *md;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, request_timeout_ms());
    if (err)
        fail("metadata for %s: %s", topic, rd_kafka_err2str(err));
    if (md->topic_cnt != 1 || md->topics[0].err)
        fail("metadata for %s: %s", topic,
             md->topic_cnt ? rd_kafka_err2str(md->topics[0].err) : "missing");
    int n = md->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
    return n;
}

static void fill_random(char *buf, size_t n) {
    uint64_t x = 0x9E3779B97F4A7C15ull ^ (uint64_t)mono_ns();
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (char)x;
    }
}

static void put_be64(char *p, uint64_t v) {
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (char)(v & 0xff);
}

static uint64_t get_be64(const char *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | (unsigned char)p[i];
    return v;
}

/* -- produce ------------------------------------------------------------------------------ */

/* Settings for throughput, as the Python generator's: no idempotence or compression, large
 * batches, a deep queue, only failed deliveries reported. */
static const char *const PRODUCE_DEFAULTS[][2] = {
    {"enable.idempotence", "false"},
    {"compression.type", "none"},
    {"batch.num.messages", "100000"},
    {"queue.buffering.max.messages", "2000000"},
    {"queue.buffering.max.kbytes", "1048576"},
    {"max.in.flight.requests.per.connection", "5"},
    {"delivery.report.only.error", "true"},
    {"socket.nagle.disable", "true"},
};

typedef struct {
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt;
    int64_t quota; /* messages to send, or -1: until stop_ns */
    int64_t stop_ns;
    int64_t sent;
    int64_t failed;
    char first_error[256];
    const char *value;
    pthread_barrier_t *ready;
} producer_t;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque) {
    (void)rk;
    producer_t *p = opaque;
    if (msg->err) {
        if (p->failed++ == 0)
            snprintf(p->first_error, sizeof p->first_error, "%s", rd_kafka_err2str(msg->err));
    }
}

static void *produce_thread(void *arg) {
    producer_t *p = arg;
    pthread_barrier_wait(p->ready);
    int64_t n = 0;
    const int64_t deadline = mono_ns() + (int64_t)(opt.timeout_s * 1e9);
    while (p->quota < 0 ? (n & 1023) || mono_ns() < p->stop_ns : n < p->quota) {
        /* The value is never freed or changed while queued: no copy (flag 0). */
        if (rd_kafka_produce(p->rkt, RD_KAFKA_PARTITION_UA, 0, (void *)p->value,
                             (size_t)opt.size, NULL, 0, NULL) == 0) {
            n++;
            continue;
        }
        rd_kafka_resp_err_t err = rd_kafka_last_error();
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            fail("produce: %s", rd_kafka_err2str(err));
        if (mono_ns() > deadline)
            fail("producer queue stayed full for %g s", opt.timeout_s);
        rd_kafka_poll(p->rk, 1);
    }
    p->sent = n;
    int64_t left_ms = (deadline - mono_ns()) / 1000000;
    rd_kafka_resp_err_t err = rd_kafka_flush(p->rk, left_ms > 0 ? (int)left_ms : 0);
    if (err)
        fail("flush: %d undelivered (%s)", rd_kafka_outq_len(p->rk), rd_kafka_err2str(err));
    return NULL;
}

static void produce(void) {
    if (opt.producers < 1 || opt.producers > MAX_PRODUCERS)
        fail("-P: 1 to %d producers", MAX_PRODUCERS);
    if (opt.count < 0 && opt.seconds <= 0)
        fail("produce needs -n COUNT or -d SECONDS");
    char *value = malloc((size_t)opt.size + 1);
    fill_random(value, (size_t)opt.size);
    producer_t ps[MAX_PRODUCERS];
    pthread_t threads[MAX_PRODUCERS];
    pthread_barrier_t ready;
    pthread_barrier_init(&ready, NULL, (unsigned)opt.producers + 1);
    for (int i = 0; i < opt.producers; i++) {
        producer_t *p = &ps[i];
        memset(p, 0, sizeof *p);
        rd_kafka_conf_t *conf =
            config(PRODUCE_DEFAULTS, sizeof PRODUCE_DEFAULTS / sizeof PRODUCE_DEFAULTS[0]);
        /* The role's own options, then -X again so that -X always wins. */
        set(conf, "acks", opt.acks);
        set(conf, "linger.ms", opt.linger_ms);
        set(conf, "batch.size", opt.batch_bytes);
        for (int j = 0; j < opt.nprops; j++)
            set(conf, opt.props[j][0], opt.props[j][1]);
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
        rd_kafka_conf_set_opaque(conf, p);
        p->rk = client(RD_KAFKA_PRODUCER, conf);
        int found = partition_count(p->rk, opt.topic);
        if (opt.partitions > 0 && found != opt.partitions)
            fail("%s has %d partitions, not %d", opt.topic, found, opt.partitions);
        p->rkt = rd_kafka_topic_new(p->rk, opt.topic, NULL);
        p->value = value;
        p->ready = &ready;
        /* Shares of COUNT: the first instances take the remainder. */
        p->quota = opt.count < 0 ? -1
                                 : opt.count / opt.producers + (i < opt.count % opt.producers);
        if (pthread_create(&threads[i], NULL, produce_thread, p))
            fail("pthread_create failed");
    }
    double cpu0 = cpu_s();
    int64_t start = mono_ns();
    for (int i = 0; i < opt.producers; i++)
        ps[i].stop_ns = start + (int64_t)(opt.seconds * 1e9);
    pthread_barrier_wait(&ready);
    for (int i = 0; i < opt.producers; i++)
        pthread_join(threads[i], NULL);
    double elapsed = (mono_ns() - start) / 1e9;
    double cpu = cpu_s() - cpu0;
    int64_t sent = 0, failed = 0;
    const char *first = "";
    for (int i = 0; i < opt.producers; i++) {
        sent += ps[i].sent;
        failed += ps[i].failed;
        if (ps[i].failed && !*first)
            first = ps[i].first_error;
    }
    if (failed)
        fail("%" PRId64 " of %" PRId64 " messages failed (%s)", failed, sent, first);
    printf("{\"role\": \"produce\", \"messages\": %" PRId64 ", \"bytes\": %" PRId64
           ", \"elapsed_s\": %.6f, \"cpu_s\": %.3f, \"producers\": %d, \"librdkafka\": \"%s\"}\n",
           sent, sent * opt.size, elapsed, cpu, opt.producers, rd_kafka_version_str());
    for (int i = 0; i < opt.producers; i++) {
        rd_kafka_topic_destroy(ps[i].rkt);
        rd_kafka_destroy(ps[i].rk);
    }
    free(value);
}

/* -- consume ------------------------------------------------------------------------------ */

/* Settings for throughput, as the Python generator's: large fetches, a deep prefetch queue,
 * no commits. */
static const char *const CONSUME_DEFAULTS[][2] = {
    {"enable.auto.commit", "false"},
    {"enable.auto.offset.store", "false"},
    {"enable.partition.eof", "false"},
    {"fetch.max.bytes", "52428800"},
    {"max.partition.fetch.bytes", "16777216"},
    {"fetch.wait.max.ms", "100"},
    {"queued.max.messages.kbytes", "524288"},
    {"queued.min.messages", "1000000"},
    {"socket.nagle.disable", "true"},
    {"auto.offset.reset", "earliest"},
};

static rd_kafka_t *consumer(const char *const defaults[][2], size_t n, const char *group) {
    rd_kafka_conf_t *conf = config(defaults, n);
    char own[64];
    if (!group) { /* librdkafka's consumer wants a group id; assign() never joins it */
        snprintf(own, sizeof own, "samsa-loadgen-%d", (int)getpid());
        group = own;
    }
    set(conf, "group.id", group);
    rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, conf);
    rd_kafka_poll_set_consumer(rk);
    return rk;
}

static void assign_from(rd_kafka_t *rk, int partitions, int64_t offset) {
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; p++)
        rd_kafka_topic_partition_list_add(list, opt.topic, p)->offset = offset;
    rd_kafka_resp_err_t err = rd_kafka_assign(rk, list);
    if (err)
        fail("assign: %s", rd_kafka_err2str(err));
    rd_kafka_topic_partition_list_destroy(list);
}

static void consume(void) {
    if (opt.count < 0)
        fail("consume needs -n COUNT");
    size_t n = sizeof CONSUME_DEFAULTS / sizeof CONSUME_DEFAULTS[0];
    rd_kafka_t *rk = consumer(CONSUME_DEFAULTS, n, opt.group);
    int partitions = partition_count(rk, opt.topic);
    if (opt.partitions > 0 && partitions != opt.partitions)
        fail("%s has %d partitions, not %d", opt.topic, partitions, opt.partitions);
    rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(rk);
    rd_kafka_message_t **batch = malloc(sizeof *batch * CONSUME_BATCH);
    int64_t got = 0, nbytes = 0;
    double cpu0 = cpu_s();
    int64_t start = mono_ns();
    const int64_t deadline = start + (int64_t)(opt.timeout_s * 1e9);
    if (opt.group) {
        rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(topics, opt.topic, RD_KAFKA_PARTITION_UA);
        rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics);
        if (err)
            fail("subscribe: %s", rd_kafka_err2str(err));
        rd_kafka_topic_partition_list_destroy(topics);
    } else {
        assign_from(rk, partitions, RD_KAFKA_OFFSET_BEGINNING);
    }
    while (got < opt.count) {
        if (mono_ns() > deadline)
            fail("read %" PRId64 " of %" PRId64 " messages in %g s", got, opt.count,
                 opt.timeout_s);
        int64_t want = opt.count - got < CONSUME_BATCH ? opt.count - got : CONSUME_BATCH;
        ssize_t k = rd_kafka_consume_batch_queue(queue, 500, batch, (size_t)want);
        if (k < 0)
            fail("consume: %s", rd_kafka_err2str(rd_kafka_last_error()));
        for (ssize_t i = 0; i < k; i++) {
            rd_kafka_message_t *m = batch[i];
            if (m->err)
                fail("consume: %s", rd_kafka_message_errstr(m));
            got++;
            nbytes += (int64_t)m->len;
            rd_kafka_message_destroy(m);
        }
    }
    double elapsed = (mono_ns() - start) / 1e9;
    double cpu = cpu_s() - cpu0;
    printf("{\"role\": \"consume\", \"messages\": %" PRId64 ", \"bytes\": %" PRId64
           ", \"elapsed_s\": %.6f, \"cpu_s\": %.3f, \"librdkafka\": \"%s\"}\n",
           got, nbytes, elapsed, cpu, rd_kafka_version_str());
    fflush(stdout);
    free(batch);
    rd_kafka_queue_destroy(queue);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

/* -- latency ------------------------------------------------------------------------------ */

typedef struct {
    uint64_t counts[HIST_BUCKETS];
    uint64_t total;
    uint64_t max;
} histogram_t;

static int bucket_of(uint64_t v) {
    if (v < 2 * SUB_COUNT)
        return (int)v;
    int shift = 63 - __builtin_clzll(v) - SUB_BITS; /* >= 1 */
    return 2 * SUB_COUNT + (shift - 1) * SUB_COUNT + (int)((v >> shift) - SUB_COUNT);
}

/* The highest value a bucket holds. */
static uint64_t bucket_top(int b) {
    if (b < 2 * SUB_COUNT)
        return (uint64_t)b;
    int shift = (b - 2 * SUB_COUNT) / SUB_COUNT + 1;
    uint64_t top = (uint64_t)((b - 2 * SUB_COUNT) % SUB_COUNT + SUB_COUNT);
    return ((top + 1) << shift) - 1;
}

static void record(histogram_t *h, uint64_t v) {
    h->counts[bucket_of(v)]++;
    h->total++;
    if (v > h->max)
        h->max = v;
}

/* The smallest bucket top at or below which `pct` % of the values lie (capped at the max). */
static uint64_t percentile(const histogram_t *h, double pct) {
    if (!h->total)
        return 0;
    uint64_t rank = (uint64_t)(pct / 100.0 * (double)h->total + 0.999999);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (int b = 0; b < HIST_BUCKETS; b++) {
        seen += h->counts[b];
        if (seen >= rank)
            return bucket_top(b) < h->max ? bucket_top(b) : h->max;
    }
    return h->max;
}

static const char *const LATENCY_PRODUCER_DEFAULTS[][2] = {
    {"linger.ms", "0"},
    {"enable.idempotence", "false"},
    {"compression.type", "none"},
    {"socket.nagle.disable", "true"},
};

static const char *const LATENCY_CONSUMER_DEFAULTS[][2] = {
    {"enable.auto.commit", "false"},
    {"enable.partition.eof", "false"},
    {"fetch.wait.max.ms", "100"},
    {"fetch.min.bytes", "1"},
    {"socket.nagle.disable", "true"},
};

typedef struct {
    rd_kafka_t *rk;
    int64_t total;
    int64_t warm;
    int64_t got;
    int64_t deadline_ns; /* set by the producer once it knows when it stops */
    histogram_t hist;
    char error[256];
} latency_consumer_t;

static void *latency_consume_thread(void *arg) {
    latency_consumer_t *c = arg;
    rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(c->rk);
    rd_kafka_message_t *batch[LATENCY_BATCH];
    while (c->got < c->total) {
        int64_t deadline = __atomic_load_n(&c->deadline_ns, __ATOMIC_ACQUIRE);
        if (deadline && mono_ns() > deadline) {
            snprintf(c->error, sizeof c->error, "received %" PRId64 " of %" PRId64 " messages",
                     c->got, c->total);
            break;
        }
        /* Wait for the first message only, then take what has arrived with it: a batch call
         * with a timeout would wait for a full batch. */
        rd_kafka_message_t *first = rd_kafka_consume_queue(queue, 100);
        if (!first)
            continue;
        batch[0] = first;
        ssize_t k = rd_kafka_consume_batch_queue(queue, 0, batch + 1, LATENCY_BATCH - 1);
        k = k < 0 ? 1 : k + 1;
        int64_t now = mono_ns();
        for (ssize_t i = 0; i < k; i++) {
            rd_kafka_message_t *m = batch[i];
            if (m->err) {
                snprintf(c->error, sizeof c->error, "consume: %s", rd_kafka_message_errstr(m));
            } else if (m->len >= LATENCY_HEADER) {
                int64_t scheduled = (int64_t)get_be64(m->payload);
                int64_t seq = (int64_t)get_be64((const char *)m->payload + 8);
                if (seq >= c->warm) {
                    int64_t us = (now - scheduled) / 1000;
                    record(&c->hist, us > 1 ? (uint64_t)us : 1);
                }
                c->got++;
            }
            rd_kafka_message_destroy(m);
        }
        if (c->error[0])
            break;
    }
    rd_kafka_queue_destroy(queue);
    return NULL;
}

static void latency(void) {
    if (opt.size < LATENCY_HEADER)
        fail("latency needs -s of at least %d bytes", LATENCY_HEADER);
    if (opt.rate <= 0 || opt.seconds <= 0)
        fail("latency needs -r RATE and -d SECONDS");
    latency_consumer_t *c = calloc(1, sizeof *c);
    c->total = (int64_t)(opt.rate * opt.seconds);
    c->warm = (int64_t)(opt.rate * LATENCY_WARMUP_S);
    size_t nc = sizeof LATENCY_CONSUMER_DEFAULTS / sizeof LATENCY_CONSUMER_DEFAULTS[0];
    c->rk = consumer(LATENCY_CONSUMER_DEFAULTS, nc, NULL);
    rd_kafka_conf_t *conf = config(
        LATENCY_PRODUCER_DEFAULTS,
        sizeof LATENCY_PRODUCER_DEFAULTS / sizeof LATENCY_PRODUCER_DEFAULTS[0]);
    set(conf, "acks", opt.acks);
    for (int j = 0; j < opt.nprops; j++)
        set(conf, opt.props[j][0], opt.props[j][1]);
    rd_kafka_t *rk = client(RD_KAFKA_PRODUCER, conf);
    partition_count(rk, opt.topic);
    partition_count(c->rk, opt.topic);
    /* Read from the current end: only this run's messages. */
    int64_t low, high;
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(c->rk, opt.topic, 0, &low, &high, request_timeout_ms());
    if (err)
        fail("watermarks: %s", rd_kafka_err2str(err));
    assign_from(c->rk, 1, high);
    pthread_t thread;
    if (pthread_create(&thread, NULL, latency_consume_thread, c))
        fail("pthread_create failed");
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, opt.topic, NULL);
    char *value = malloc((size_t)opt.size);
    fill_random(value, (size_t)opt.size);
    const double interval_ns = 1e9 / opt.rate;
    double cpu0 = cpu_s();
    const int64_t start = mono_ns() + 1000000; /* the first message is due 1 ms from now */
    const int64_t produce_deadline = start + (int64_t)((opt.seconds + opt.timeout_s) * 1e9);
    int64_t sent = 0;
    while (sent < c->total) {
        int64_t now = mono_ns();
        int64_t due = now >= start ? (int64_t)((now - start) / interval_ns) + 1 : 0;
        if (due > c->total)
            due = c->total;
        while (sent < due) {
            int64_t scheduled = start + (int64_t)(sent * interval_ns);
            put_be64(value, (uint64_t)scheduled);
            put_be64(value + 8, (uint64_t)sent);
            if (rd_kafka_produce(rkt, 0, RD_KAFKA_MSG_F_COPY, value, (size_t)opt.size, NULL, 0,
                                 NULL) == 0) {
                sent++;
                continue;
            }
            if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                fail("produce: %s", rd_kafka_err2str(rd_kafka_last_error()));
            if (mono_ns() > produce_deadline)
                fail("producer queue stayed full");
            rd_kafka_poll(rk, 1);
        }
        rd_kafka_poll(rk, 0);
        int64_t next = start + (int64_t)(sent * interval_ns);
        if (sent < c->total && next > mono_ns()) {
            struct timespec ts = {next / 1000000000, next % 1000000000};
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
        }
    }
    __atomic_store_n(&c->deadline_ns, mono_ns() + (int64_t)(LATENCY_DRAIN_S * 1e9),
                     __ATOMIC_RELEASE);
    err = rd_kafka_flush(rk, REQUEST_TIMEOUT_MS);
    if (err)
        fail("flush: %d undelivered (%s)", rd_kafka_outq_len(rk), rd_kafka_err2str(err));
    pthread_join(thread, NULL);
    double elapsed = (mono_ns() - start) / 1e9;
    double cpu = cpu_s() - cpu0;
    if (c->error[0])
        fail("latency consumer: %s", c->error);
    const histogram_t *h = &c->hist;
    printf("{\"role\": \"latency\", \"messages\": %" PRId64 ", \"bytes\": %" PRId64
           ", \"elapsed_s\": %.6f, \"cpu_s\": %.3f, \"rate\": %g, \"p50_ms\": %.3f"
           ", \"p99_ms\": %.3f, \"p999_ms\": %.3f, \"max_ms\": %.3f, \"recorded\": %" PRIu64
           ", \"librdkafka\": \"%s\"}\n",
           c->got, c->got * opt.size, elapsed, cpu, opt.rate, percentile(h, 50) / 1000.0,
           percentile(h, 99) / 1000.0, percentile(h, 99.9) / 1000.0, h->max / 1000.0, h->total,
           rd_kafka_version_str());
    fflush(stdout);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    rd_kafka_consumer_close(c->rk);
    rd_kafka_destroy(c->rk);
    free(value);
    free(c);
}

/* -- fleet -------------------------------------------------------------------------------- */

/* Settings of a fleet member, as a small application that sends one record now and then would
 * want them: every record its own Produce request (no linger; a batch holds one record, also
 * when the member falls behind), a small queue, no statistics, metadata refreshed rarely (one
 * broker, one topic: a refresh is a request per member that measures nothing). */
static const char *const FLEET_DEFAULTS[][2] = {
    {"linger.ms", "0"},
    {"batch.num.messages", "1"},
    {"enable.idempotence", "false"},
    {"compression.type", "none"},
    {"socket.nagle.disable", "true"},
    {"statistics.interval.ms", "0"},
    {"topic.metadata.refresh.interval.ms", "600000"},
    {"queue.buffering.max.messages", "10000"},
    {"queue.buffering.max.kbytes", "4096"},
    {"log.connection.close", "false"},
};

typedef struct fleet_thread fleet_thread_t;

typedef struct {
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt;
    fleet_thread_t *owner;
    int64_t offset_ns; /* from the start to its first record: spread evenly over the interval */
    int warm;          /* its warm-up record was delivered */
} fleet_member_t;

struct fleet_thread {
    fleet_member_t **members; /* in order of offset */
    int count;
    int wake[2]; /* a pipe: a member's index when its main queue gets an event */
    pthread_t thread;
    histogram_t hist;
    int64_t sent, delivered, failed, purged, queue_full;
    int64_t unsent; /* still not handed over when the drain ended */
    int64_t behind_max_ns; /* how late a record was handed to librdkafka, at most */
    int64_t last_delivery_ns;
    int warm_pending;
    char first_error[256];
};

static int64_t fleet_start_ns, fleet_end_ns, fleet_interval_ns;

/* Delivery reports, served by the owning thread's rd_kafka_poll. A record's latency is the
 * report's time minus the record's due time (carried in its opaque), so a generator that falls
 * behind its schedule counts against the result. */
static void fleet_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque) {
    (void)rk;
    fleet_member_t *m = opaque;
    fleet_thread_t *t = m->owner;
    int64_t now = mono_ns();
    if (!m->warm) { /* the warm-up record: no opaque due time */
        if (msg->err && !t->first_error[0])
            snprintf(t->first_error, sizeof t->first_error, "warm-up: %s",
                     rd_kafka_err2str(msg->err));
        m->warm = 1;
        t->warm_pending--;
        return;
    }
    int64_t due = (int64_t)(intptr_t)msg->_private;
    int64_t us = (now - due) / 1000;
    if (msg->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
        msg->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
        /* Still undelivered when the drain ended: its latency is at least this. */
        t->purged++;
        record(&t->hist, us > 1 ? (uint64_t)us : 1);
        return;
    }
    if (msg->err) {
        if (t->failed++ == 0)
            snprintf(t->first_error, sizeof t->first_error, "%s", rd_kafka_err2str(msg->err));
        return;
    }
    t->delivered++;
    t->last_delivery_ns = now;
    record(&t->hist, us > 1 ? (uint64_t)us : 1);
}

/* Serve the events of every member whose index is waiting in the pipe. */
static void fleet_serve_woken(fleet_thread_t *t) {
    int32_t idx[256];
    for (;;) {
        ssize_t n = read(t->wake[0], idx, sizeof idx);
        if (n <= 0)
            return;
        for (ssize_t i = 0; i < n / (ssize_t)sizeof idx[0]; i++)
            rd_kafka_poll(t->members[idx[i]]->rk, 0);
    }
}

static void fleet_serve_all(fleet_thread_t *t) {
    for (int i = 0; i < t->count; i++)
        rd_kafka_poll(t->members[i]->rk, 0);
}

/* Wait for a wake-up on the pipe until `until_ns` (monotonic) at most. */
static void fleet_wait(fleet_thread_t *t, int64_t until_ns) {
    int64_t left = until_ns - mono_ns();
    if (left <= 0)
        return;
    struct pollfd pfd = {.fd = t->wake[0], .events = POLLIN};
    struct timespec ts = {left / 1000000000, left % 1000000000};
    ppoll(&pfd, 1, &ts, NULL);
}

/* Hand each member's records to librdkafka at their due times, serve delivery reports as they
 * arrive, then wait for the outstanding ones until the drain ends and purge what is left. */
static void *fleet_thread_main(void *arg) {
    fleet_thread_t *t = arg;
    const int64_t drain_end = fleet_end_ns + (int64_t)(opt.drain_s * 1e9);
    int64_t cycle = 0; /* record k of every member is in cycle k */
    int next = 0;      /* the member whose record of this cycle is due next */
    int sending = t->count > 0;
    int64_t swept = mono_ns();
    while (1) {
        int64_t now = mono_ns();
        int64_t due = 0;
        int burst = 0;
        if (sending && now >= drain_end) {
            /* Too far behind to catch up: the rest of the schedule is never sent, each record
             * counted at its latency so far. */
            while (1) {
                due = fleet_start_ns + t->members[next]->offset_ns + cycle * fleet_interval_ns;
                if (due >= fleet_end_ns)
                    break;
                t->unsent++;
                record(&t->hist, (uint64_t)((now - due) / 1000));
                if (++next == t->count) {
                    next = 0;
                    cycle++;
                }
            }
            sending = 0;
        }
        /* A thread that fell behind catches up FLEET_BURST records at a time, taking the
         * delivery reports that arrived in between (their latencies are not its backlog's). */
        while (sending && burst++ < FLEET_BURST) {
            fleet_member_t *m = t->members[next];
            due = fleet_start_ns + m->offset_ns + cycle * fleet_interval_ns;
            if (due >= fleet_end_ns) {
                sending = 0;
                break;
            }
            if (due > now)
                break;
            if (now - due > t->behind_max_ns)
                t->behind_max_ns = now - due;
            if (rd_kafka_produce(m->rkt, RD_KAFKA_PARTITION_UA, 0, (void *)opt.value,
                                 (size_t)opt.size, NULL, 0, (void *)(intptr_t)due) == 0) {
                t->sent++;
            } else if (rd_kafka_last_error() == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                t->queue_full++; /* the member's queue is full: this record is never sent */
            } else {
                fail("produce: %s", rd_kafka_err2str(rd_kafka_last_error()));
            }
            if (++next == t->count) {
                next = 0;
                cycle++;
            }
            now = mono_ns();
        }
        int64_t outstanding = t->sent - t->delivered - t->failed - t->purged;
        if (!sending && outstanding == 0)
            break;
        if (!sending && now >= drain_end)
            break;
        int64_t until = sending ? due : drain_end;
        if (until > swept + FLEET_SWEEP_NS)
            until = swept + FLEET_SWEEP_NS;
        if (burst <= FLEET_BURST) { /* not cut short: nothing is due before `until` */
            fleet_wait(t, until);
        } else { /* behind: leave the CPU to the client threads that send what it handed over */
            struct timespec pause = {0, FLEET_CATCH_UP_PAUSE_NS};
            nanosleep(&pause, NULL);
        }
        fleet_serve_woken(t);
        if (mono_ns() >= swept + FLEET_SWEEP_NS) {
            fleet_serve_all(t);
            swept = mono_ns();
        }
    }
    /* Whatever is still queued or in flight counts as undelivered, at its latency so far. */
    if (t->sent - t->delivered - t->failed - t->purged > 0) {
        for (int i = 0; i < t->count; i++)
            rd_kafka_purge(t->members[i]->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        const int64_t give_up = mono_ns() + (int64_t)(FLEET_PURGE_S * 1e9);
        while (t->sent - t->delivered - t->failed - t->purged > 0 && mono_ns() < give_up) {
            fleet_serve_all(t);
            fleet_wait(t, mono_ns() + FLEET_SWEEP_NS / 10);
            fleet_serve_woken(t);
        }
    }
    return NULL;
}

/* Create this thread's members, each with its own connection, and deliver one warm-up record
 * from each (connection, ApiVersions and metadata are done before the clock starts). */
static void *fleet_setup_thread(void *arg) {
    fleet_thread_t *t = arg;
    for (int i = 0; i < t->count; i++) {
        fleet_member_t *m = t->members[i];
        m->owner = t;
        rd_kafka_conf_t *conf =
            config(FLEET_DEFAULTS, sizeof FLEET_DEFAULTS / sizeof FLEET_DEFAULTS[0]);
        set(conf, "acks", opt.acks);
        char timeout[32]; /* a record is given up after the run and its drain, never before */
        snprintf(timeout, sizeof timeout, "%d",
                 (int)((opt.seconds + opt.drain_s + FLEET_PURGE_S) * 1000) + 1000);
        set(conf, "message.timeout.ms", timeout);
        for (int j = 0; j < opt.nprops; j++)
            set(conf, opt.props[j][0], opt.props[j][1]);
        rd_kafka_conf_set_dr_msg_cb(conf, fleet_delivery);
        rd_kafka_conf_set_opaque(conf, m);
        m->rk = client(RD_KAFKA_PRODUCER, conf);
        rd_kafka_queue_t *main_queue = rd_kafka_queue_get_main(m->rk);
        int32_t idx = i;
        rd_kafka_queue_io_event_enable(main_queue, t->wake[1], &idx, sizeof idx);
        rd_kafka_queue_destroy(main_queue);
        m->rkt = rd_kafka_topic_new(m->rk, opt.topic, NULL);
        if (rd_kafka_produce(m->rkt, RD_KAFKA_PARTITION_UA, 0, (void *)opt.value,
                             (size_t)opt.size, NULL, 0, NULL))
            fail("warm-up produce: %s", rd_kafka_err2str(rd_kafka_last_error()));
        t->warm_pending++;
        fleet_serve_woken(t);
    }
    const int64_t deadline = mono_ns() + (int64_t)request_timeout_ms() * 1000000;
    while (t->warm_pending > 0) {
        if (mono_ns() > deadline)
            fail("%d producers had no warm-up record delivered in %d ms", t->warm_pending,
                 request_timeout_ms());
        fleet_wait(t, mono_ns() + FLEET_SWEEP_NS);
        fleet_serve_woken(t);
        fleet_serve_all(t);
    }
    return NULL;
}

static void fleet(void) {
    if (opt.producers < 1)
        fail("fleet needs -P PRODUCERS");
    if (opt.slice_of < 1 || opt.slice < 0 || opt.slice >= opt.slice_of)
        fail("-S wants INDEX/COUNT with 0 <= INDEX < COUNT");
    if (opt.interval_ms <= 0 || opt.seconds <= 0)
        fail("fleet needs -I INTERVAL_MS and -d SECONDS");
    if (opt.threads < 1 || opt.threads > MAX_FLEET_THREADS)
        fail("-G: 1 to %d threads", MAX_FLEET_THREADS);
    /* This process's members: every COUNT-th of the fleet from INDEX, so that processes
     * interleave over the interval. */
    int mine = (opt.producers - opt.slice + opt.slice_of - 1) / opt.slice_of;
    if (mine < 1 || mine > MAX_FLEET)
        fail("%d producers in one process: 1 to %d", mine, MAX_FLEET);
    int threads = opt.threads < mine ? opt.threads : mine;
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    rlim_t need = (rlim_t)mine * FLEET_FDS_PER_MEMBER + FLEET_FDS_SPARE;
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY &&
        files.rlim_cur < need)
        fail("%d producers need about %lu file descriptors, the limit is %lu: split the fleet "
             "over processes (-S)", mine, (unsigned long)need, (unsigned long)files.rlim_cur);
    fleet_interval_ns = (int64_t)(opt.interval_ms * 1e6);
    char *value = malloc((size_t)opt.size + 1);
    fill_random(value, (size_t)opt.size);
    opt.value = value;
    fleet_member_t *members = calloc((size_t)mine, sizeof *members);
    fleet_thread_t *ts = calloc((size_t)threads, sizeof *ts);
    for (int i = 0; i < threads; i++) {
        ts[i].members = calloc((size_t)mine / (size_t)threads + 1, sizeof *ts[i].members);
        if (pipe2(ts[i].wake, O_NONBLOCK | O_CLOEXEC))
            fail("pipe: %s", strerror(errno));
    }
    for (int j = 0; j < mine; j++) {
        int64_t global = opt.slice + (int64_t)j * opt.slice_of;
        members[j].offset_ns = global * fleet_interval_ns / opt.producers;
        fleet_thread_t *t = &ts[j % threads];
        t->members[t->count++] = &members[j];
    }
    /* -W: SIGUSR1 starts the clock. Blocked before any thread exists, so that every thread
     * (librdkafka's too) inherits the mask and only sigwait takes it. */
    sigset_t go_signal;
    sigemptyset(&go_signal);
    sigaddset(&go_signal, SIGUSR1);
    if (opt.wait_go)
        pthread_sigmask(SIG_BLOCK, &go_signal, NULL);
    int64_t setup0 = mono_ns();
    for (int i = 0; i < threads; i++)
        if (pthread_create(&ts[i].thread, NULL, fleet_setup_thread, &ts[i]))
            fail("pthread_create failed");
    for (int i = 0; i < threads; i++)
        pthread_join(ts[i].thread, NULL);
    for (int i = 0; i < threads; i++)
        if (ts[i].first_error[0])
            fail("%s", ts[i].first_error);
    double setup_s = (mono_ns() - setup0) / 1e9;
    if (opt.wait_go) { /* several processes: all start when told, together */
        printf("{\"ready\": %d, \"setup_s\": %.3f}\n", mine, setup_s);
        fflush(stdout);
        int signal_number;
        if (sigwait(&go_signal, &signal_number))
            fail("sigwait failed");
    }
    double cpu0 = cpu_s();
    fleet_start_ns = mono_ns() + FLEET_LEAD_NS;
    fleet_end_ns = fleet_start_ns + (int64_t)(opt.seconds * 1e9);
    for (int i = 0; i < threads; i++)
        if (pthread_create(&ts[i].thread, NULL, fleet_thread_main, &ts[i]))
            fail("pthread_create failed");
    histogram_t *h = calloc(1, sizeof *h);
    int64_t sent = 0, delivered = 0, failed = 0, purged = 0, queue_full = 0, unsent = 0;
    int64_t behind = 0, last = 0;
    const char *first = "";
    for (int i = 0; i < threads; i++) {
        fleet_thread_t *t = &ts[i];
        pthread_join(t->thread, NULL);
        sent += t->sent;
        delivered += t->delivered;
        failed += t->failed;
        purged += t->purged;
        queue_full += t->queue_full;
        unsent += t->unsent;
        behind = t->behind_max_ns > behind ? t->behind_max_ns : behind;
        last = t->last_delivery_ns > last ? t->last_delivery_ns : last;
        if (t->failed && !*first)
            first = t->first_error;
        for (int b = 0; b < HIST_BUCKETS; b++)
            h->counts[b] += t->hist.counts[b];
        h->total += t->hist.total;
        h->max = t->hist.max > h->max ? t->hist.max : h->max;
    }
    double cpu = cpu_s() - cpu0;
    /* Records due per member: those of its cycles that start before the end. */
    int64_t offered = 0;
    for (int j = 0; j < mine; j++) {
        int64_t span = (int64_t)(opt.seconds * 1e9) - members[j].offset_ns;
        offered += span > 0 ? (span + fleet_interval_ns - 1) / fleet_interval_ns : 0;
    }
    /* From the start to the last delivery (the broker's backlog drained), or to the end of the
     * schedule when everything arrived before it. */
    int64_t stop = last > fleet_end_ns ? last : fleet_end_ns;
    double elapsed = (stop - fleet_start_ns) / 1e9;
    printf("{\"role\": \"fleet\", \"producers\": %d, \"fleet\": %d, \"threads\": %d, "
           "\"interval_ms\": %g, \"size\": %d, \"seconds\": %g, \"offered\": %" PRId64
           ", \"sent\": %" PRId64 ", \"delivered\": %" PRId64 ", \"failed\": %" PRId64
           ", \"undelivered\": %" PRId64 ", \"unsent\": %" PRId64 ", \"queue_full\": %" PRId64
           ", \"messages\": %" PRId64
           ", \"bytes\": %" PRId64 ", \"elapsed_s\": %.6f, \"cpu_s\": %.3f, \"setup_s\": %.3f"
           ", \"behind_max_ms\": %.3f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"p999_ms\": %.3f"
           ", \"max_ms\": %.3f, \"recorded\": %" PRIu64 ", \"librdkafka\": \"%s\", \"hist_us\": [",
           mine, opt.producers, threads, opt.interval_ms, opt.size, opt.seconds, offered, sent,
           delivered, failed, purged + unsent, unsent, queue_full, delivered, delivered * opt.size,
           elapsed, cpu, setup_s, behind / 1e6, percentile(h, 50) / 1000.0, percentile(h, 99) / 1000.0,
           percentile(h, 99.9) / 1000.0, h->max / 1000.0, h->total, rd_kafka_version_str());
    /* The histogram itself (bucket top in us, count; non-empty buckets only), so that the
     * runs of several processes merge into one. */
    const char *sep = "";
    for (int b = 0; b < HIST_BUCKETS; b++) {
        if (h->counts[b]) {
            uint64_t top = bucket_top(b) < h->max ? bucket_top(b) : h->max;
            printf("%s[%" PRIu64 ", %" PRIu64 "]", sep, top, h->counts[b]);
            sep = ", ";
        }
    }
    printf("], \"first_error\": \"");
    put_json_text(first);
    printf("\"}\n");
    fflush(stdout);
    /* The members are not destroyed: the process's exit closes every connection at once,
     * where rd_kafka_destroy joins each one's threads in turn. */
    _exit(0);
}

/* -- command line ------------------------------------------------------------------------- */

static void usage(void) {
    fail("usage: samsa_loadgen produce|consume|latency|fleet -b HOST:PORT -t TOPIC [-s SIZE] "
         "[-n COUNT] [-d SECONDS] [-a ACKS] [-l LINGER_MS] [-B BATCH_BYTES] [-p PARTITIONS] "
         "[-P PRODUCERS] [-g GROUP] [-r RATE] [-I INTERVAL_MS] [-G THREADS] [-D DRAIN_S] "
         "[-S INDEX/COUNT] [-W] [-T TIMEOUT_S] [-X key=value]...");
}

int main(int argc, char **argv) {
    if (argc < 2)
        usage();
    opt.role = argv[1];
    opt.size = 100;
    opt.count = -1;
    opt.acks = "1";
    opt.linger_ms = "5";
    opt.batch_bytes = "1048576";
    opt.producers = 1;
    opt.timeout_s = DEFAULT_TIMEOUT_S;
    opt.threads = FLEET_THREADS;
    opt.drain_s = FLEET_DRAIN_S;
    opt.slice_of = 1;
    optind = 2;
    int ch;
    while ((ch = getopt(argc, argv, "b:t:s:n:d:a:l:B:p:P:g:r:T:X:I:G:D:S:W")) != -1) {
        switch (ch) {
        case 'b': opt.bootstrap = optarg; break;
        case 't': opt.topic = optarg; break;
        case 's': opt.size = atoi(optarg); break;
        case 'n': opt.count = strtoll(optarg, NULL, 10); break;
        case 'd': opt.seconds = atof(optarg); break;
        case 'a': opt.acks = optarg; break;
        case 'l': opt.linger_ms = optarg; break;
        case 'B': opt.batch_bytes = optarg; break;
        case 'p': opt.partitions = atoi(optarg); break;
        case 'P': opt.producers = atoi(optarg); break;
        case 'g': opt.group = optarg; break;
        case 'r': opt.rate = atof(optarg); break;
        case 'T': opt.timeout_s = atof(optarg); break;
        case 'I': opt.interval_ms = atof(optarg); break;
        case 'G': opt.threads = atoi(optarg); break;
        case 'D': opt.drain_s = atof(optarg); break;
        case 'S':
            if (sscanf(optarg, "%d/%d", &opt.slice, &opt.slice_of) != 2)
                fail("-S wants INDEX/COUNT");
            break;
        case 'W': opt.wait_go = 1; break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq || opt.nprops == MAX_PROPS)
                fail("-X wants key=value (at most %d)", MAX_PROPS);
            *eq = '\0';
            opt.props[opt.nprops][0] = optarg;
            opt.props[opt.nprops][1] = eq + 1;
            opt.nprops++;
            break;
        }
        default: usage();
        }
    }
    if (!opt.bootstrap || !opt.topic || opt.size < 0)
        usage();
    if (!strcmp(opt.role, "produce"))
        produce();
    else if (!strcmp(opt.role, "consume"))
        consume();
    else if (!strcmp(opt.role, "latency"))
        latency();
    else if (!strcmp(opt.role, "fleet"))
        fleet();
    else
        usage();
    return 0;
}
