/*
 * Kafka stand-in for the local stack: librdkafka's mock cluster plus a
 * line-based fault-injection control server on a loopback TCP port.
 *
 * Usage: mock-cluster --brokers N --control-port PORT [--rebalance-delay-ms MS]
 *                     [--topic NAME:PARTITIONS]... [--tag TEXT]
 * (--tag is ignored; it names the owning stack in the process list.)
 * Prints "bootstrap <host:port,...>" then "control 127.0.0.1:<port>" on stdout
 * once ready, then serves commands (see test/stack/README.md) until
 * SIGTERM/SIGINT. Data lives in memory only: a restart is an empty cluster.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "rdkafka.h"
#include "rdkafka_mock.h"

#define MAX_CLIENTS 32
#define LINE_MAX_LEN 4096
#define MAX_ERRORS 64

static volatile sig_atomic_t stopping = 0;
static rd_kafka_mock_cluster_t *mc;
static int broker_cnt;

/* Kafka protocol API keys are fixed by the protocol; the table is local
 * because librdkafka keeps its own name table in a private header. */
static const char *api_names[] = {
    "Produce", "Fetch", "ListOffsets", "Metadata", "LeaderAndIsr",
    "StopReplica", "UpdateMetadata", "ControlledShutdown", "OffsetCommit",
    "OffsetFetch", "FindCoordinator", "JoinGroup", "Heartbeat", "LeaveGroup",
    "SyncGroup", "DescribeGroups", "ListGroups", "SaslHandshake",
    "ApiVersions", "CreateTopics", "DeleteTopics", "DeleteRecords",
    "InitProducerId", "OffsetForLeaderEpoch", "AddPartitionsToTxn",
    "AddOffsetsToTxn", "EndTxn", "WriteTxnMarkers", "TxnOffsetCommit",
    "DescribeAcls", "CreateAcls", "DeleteAcls", "DescribeConfigs",
    "AlterConfigs", "AlterReplicaLogDirs", "DescribeLogDirs",
    "SaslAuthenticate", "CreatePartitions", "CreateDelegationToken",
    "RenewDelegationToken", "ExpireDelegationToken",
    "DescribeDelegationToken", "DeleteGroups", "ElectLeaders",
    "IncrementalAlterConfigs", "AlterPartitionReassignments",
    "ListPartitionReassignments", "OffsetDelete"};

static void on_signal(int sig) {
        (void)sig;
        stopping = 1;
}

static int parse_int(const char *s, long *out) {
        char *end;
        if (!s || !*s)
                return -1;
        errno = 0;
        *out  = strtol(s, &end, 10);
        return (errno || *end) ? -1 : 0;
}

static int parse_api(const char *s, int16_t *out) {
        long v;
        size_t i;
        if (parse_int(s, &v) == 0 && v >= 0 && v < 32768) {
                *out = (int16_t)v;
                return 0;
        }
        for (i = 0; i < sizeof(api_names) / sizeof(*api_names); i++) {
                if (!strcasecmp(s, api_names[i])) {
                        *out = (int16_t)i;
                        return 0;
                }
        }
        return -1;
}

/* Accepts librdkafka's error names (NOT_LEADER_FOR_PARTITION, _TRANSPORT), the
 * current Kafka name NOT_LEADER_OR_FOLLOWER, or a number. */
static int parse_err(const char *s, rd_kafka_resp_err_t *out) {
        const struct rd_kafka_err_desc *descs;
        size_t cnt, i;
        long v;
        if (!strcasecmp(s, "NOT_LEADER_OR_FOLLOWER")) {
                *out = RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION;
                return 0;
        }
        if (parse_int(s, &v) == 0) {
                *out = (rd_kafka_resp_err_t)v;
                return 0;
        }
        rd_kafka_get_err_descs(&descs, &cnt);
        for (i = 0; i < cnt; i++) {
                if (descs[i].name && !strcasecmp(s, descs[i].name)) {
                        *out = descs[i].code;
                        return 0;
                }
        }
        return -1;
}

static int check_broker(long id, char *reply, size_t sz) {
        if (id != -1 && (id < 1 || id > broker_cnt)) {
                snprintf(reply, sz, "error broker id %ld out of range 1..%d (or -1 for all)", id, broker_cnt);
                return -1;
        }
        return 0;
}

static void reply_err(char *reply, size_t sz, const char *what, rd_kafka_resp_err_t err) {
        if (err)
                snprintf(reply, sz, "error %s: %s", what, rd_kafka_err2str(err));
        else
                snprintf(reply, sz, "ok");
}

/* Runs one command line; writes "ok ..." or "error <why>" into reply. */
static void run_command(char *line, char *reply, size_t sz) {
        char *argv[MAX_ERRORS + 4];
        int argc = 0;
        char *save = NULL, *tok;
        long a, b;
        for (tok = strtok_r(line, " \t\r", &save); tok && argc < (int)(sizeof(argv) / sizeof(*argv));
             tok = strtok_r(NULL, " \t\r", &save))
                argv[argc++] = tok;
        if (argc == 0) {
                snprintf(reply, sz, "error empty command");
                return;
        }
        if (!strcmp(argv[0], "ping")) {
                snprintf(reply, sz, "ok pong");
        } else if (!strcmp(argv[0], "bootstraps")) {
                snprintf(reply, sz, "ok %s", rd_kafka_mock_cluster_bootstraps(mc));
        } else if (!strcmp(argv[0], "broker_down") || !strcmp(argv[0], "broker_up")) {
                if (argc != 2 || parse_int(argv[1], &a)) {
                        snprintf(reply, sz, "error usage: %s <broker id>", argv[0]);
                        return;
                }
                if (check_broker(a, reply, sz))
                        return;
                reply_err(reply, sz, argv[0],
                          argv[0][7] == 'd' ? rd_kafka_mock_broker_set_down(mc, (int32_t)a)
                                            : rd_kafka_mock_broker_set_up(mc, (int32_t)a));
        } else if (!strcmp(argv[0], "rtt")) {
                if (argc != 3 || parse_int(argv[1], &a) || parse_int(argv[2], &b) || b < 0) {
                        snprintf(reply, sz, "error usage: rtt <broker id|-1> <milliseconds>");
                        return;
                }
                if (check_broker(a, reply, sz))
                        return;
                reply_err(reply, sz, "rtt", rd_kafka_mock_broker_set_rtt(mc, (int32_t)a, (int)b));
        } else if (!strcmp(argv[0], "create_topic")) {
                long rf = 1;
                if (argc < 3 || argc > 4 || parse_int(argv[2], &a) || a < 1 ||
                    (argc == 4 && (parse_int(argv[3], &rf) || rf < 1 || rf > broker_cnt))) {
                        snprintf(reply, sz, "error usage: create_topic <name> <partitions> [replication factor]");
                        return;
                }
                reply_err(reply, sz, "create_topic",
                          rd_kafka_mock_topic_create(mc, argv[1], (int)a, (int)rf));
        } else if (!strcmp(argv[0], "leader")) {
                long c;
                if (argc != 4 || parse_int(argv[2], &a) || parse_int(argv[3], &c)) {
                        snprintf(reply, sz, "error usage: leader <topic> <partition> <broker id|-1>");
                        return;
                }
                if (check_broker(c, reply, sz))
                        return;
                reply_err(reply, sz, "leader",
                          rd_kafka_mock_partition_set_leader(mc, argv[1], (int32_t)a, (int32_t)c));
        } else if (!strcmp(argv[0], "push_errors")) {
                rd_kafka_resp_err_t errs[MAX_ERRORS];
                int16_t api;
                int i, names = argc - 3;
                if (argc < 4 || parse_api(argv[1], &api) || parse_int(argv[2], &a) || a < 1 || a > MAX_ERRORS) {
                        snprintf(reply, sz, "error usage: push_errors <ApiName|ApiKey> <count 1..%d> <ERROR_NAME>... (one name repeats)", MAX_ERRORS);
                        return;
                }
                if (names != 1 && names != a) {
                        snprintf(reply, sz, "error give one error name or exactly %ld of them", a);
                        return;
                }
                for (i = 0; i < a; i++) {
                        const char *name = argv[3 + (names == 1 ? 0 : i)];
                        if (parse_err(name, &errs[i])) {
                                snprintf(reply, sz, "error unknown error name %s", name);
                                return;
                        }
                }
                rd_kafka_mock_push_request_errors_array(mc, api, (size_t)a, errs);
                snprintf(reply, sz, "ok");
        } else if (!strcmp(argv[0], "clear_errors")) {
                int16_t api;
                if (argc != 2 || parse_api(argv[1], &api)) {
                        snprintf(reply, sz, "error usage: clear_errors <ApiName|ApiKey>");
                        return;
                }
                rd_kafka_mock_clear_request_errors(mc, api);
                snprintf(reply, sz, "ok");
        } else {
                snprintf(reply, sz, "error unknown command %s (try: ping, bootstraps, broker_down, broker_up, rtt, "
                                    "create_topic, leader, push_errors, clear_errors)", argv[0]);
        }
}

static int open_control(int port) {
        struct sockaddr_in sin;
        int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0)
                return -1;
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        memset(&sin, 0, sizeof(sin));
        sin.sin_family      = AF_INET;
        sin.sin_port        = htons((uint16_t)port);
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) || listen(s, 16)) {
                close(s);
                return -1;
        }
        return s;
}

struct client {
        int fd;
        size_t len;
        char buf[LINE_MAX_LEN];
};

/* Reads what a client sent and answers each complete line; returns -1 to drop it. */
static int serve_client(struct client *c) {
        char reply[LINE_MAX_LEN + 64];
        ssize_t r = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
        char *nl;
        if (r <= 0)
                return -1;
        c->len += (size_t)r;
        c->buf[c->len] = '\0';
        while ((nl = strchr(c->buf, '\n'))) {
                size_t used = (size_t)(nl - c->buf) + 1, n;
                *nl = '\0';
                run_command(c->buf, reply, sizeof(reply) - 1);
                n = strlen(reply);
                reply[n++] = '\n';
                if (write(c->fd, reply, n) != (ssize_t)n)
                        return -1;
                memmove(c->buf, c->buf + used, c->len - used);
                c->len -= used;
                c->buf[c->len] = '\0';
        }
        return c->len >= sizeof(c->buf) - 1 ? -1 : 0;
}

int main(int argc, char **argv) {
        char errstr[512];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        struct client clients[MAX_CLIENTS];
        struct pollfd pfds[MAX_CLIENTS + 1];
        int i, n, ctl, port = -1;
        long v, rebalance_delay = -1;

        broker_cnt = 3;
        for (i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--brokers") && i + 1 < argc && !parse_int(argv[i + 1], &v) && v > 0)
                        broker_cnt = (int)v, i++;
                else if (!strcmp(argv[i], "--control-port") && i + 1 < argc && !parse_int(argv[i + 1], &v))
                        port = (int)v, i++;
                else if (!strcmp(argv[i], "--rebalance-delay-ms") && i + 1 < argc && !parse_int(argv[i + 1], &v) && v >= 0)
                        rebalance_delay = v, i++;
                else if ((!strcmp(argv[i], "--topic") || !strcmp(argv[i], "--tag")) && i + 1 < argc)
                        i++; /* created below, once the cluster exists */
                else {
                        fprintf(stderr, "usage: %s --brokers N --control-port PORT [--rebalance-delay-ms MS] [--topic NAME:PARTITIONS]... [--tag TEXT]\n", argv[0]);
                        return 2;
                }
        }
        if (port <= 0 || port > 65535) {
                fprintf(stderr, "--control-port is required (1..65535)\n");
                return 2;
        }

        conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
        if (!(rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr)))) {
                fprintf(stderr, "rd_kafka_new failed: %s\n", errstr);
                return 1;
        }
        if (!(mc = rd_kafka_mock_cluster_new(rk, broker_cnt))) {
                fprintf(stderr, "could not create a mock cluster of %d brokers\n", broker_cnt);
                return 1;
        }
        /* kafkajs's admin and idempotent producer look the controller up by id. */
        rd_kafka_mock_set_controller_id(mc, 1);
        /* Like the broker's group.initial.rebalance.delay.ms (3 s by default): tests that
         * join many consumer groups lower it. */
        if (rebalance_delay >= 0)
                rd_kafka_mock_group_initial_rebalance_delay_ms(mc, (int32_t)rebalance_delay);
        for (i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--topic")) {
                        char *spec = strdup(argv[++i]), *colon = strrchr(spec, ':');
                        rd_kafka_resp_err_t err;
                        if (!colon || parse_int(colon + 1, &v) || v < 1) {
                                fprintf(stderr, "bad --topic %s: expected NAME:PARTITIONS\n", spec);
                                return 2;
                        }
                        *colon = '\0';
                        if ((err = rd_kafka_mock_topic_create(mc, spec, (int)v, 1))) {
                                fprintf(stderr, "creating topic %s failed: %s\n", spec, rd_kafka_err2str(err));
                                return 1;
                        }
                }
        }
        if ((ctl = open_control(port)) < 0) {
                fprintf(stderr, "cannot listen on control port 127.0.0.1:%d: %s\n", port, strerror(errno));
                return 1;
        }
        signal(SIGTERM, on_signal);
        signal(SIGINT, on_signal);
        signal(SIGPIPE, SIG_IGN);
        printf("bootstrap %s\ncontrol 127.0.0.1:%d\n", rd_kafka_mock_cluster_bootstraps(mc), port);
        fflush(stdout);

        n = 0;
        while (!stopping) {
                pfds[0].fd     = ctl;
                pfds[0].events = POLLIN;
                for (i = 0; i < n; i++) {
                        pfds[i + 1].fd     = clients[i].fd;
                        pfds[i + 1].events = POLLIN;
                }
                if (poll(pfds, (nfds_t)n + 1, 500) <= 0)
                        continue;
                for (i = n - 1; i >= 0; i--) {
                        if (pfds[i + 1].revents && serve_client(&clients[i])) {
                                close(clients[i].fd);
                                clients[i] = clients[--n];
                        }
                }
                if (pfds[0].revents & POLLIN) {
                        int fd = accept(ctl, NULL, NULL);
                        if (fd >= 0 && n < MAX_CLIENTS) {
                                clients[n].fd  = fd;
                                clients[n].len = 0;
                                n++;
                        } else if (fd >= 0) {
                                close(fd);
                        }
                }
        }
        for (i = 0; i < n; i++)
                close(clients[i].fd);
        close(ctl);
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
}
