/*
 * Command interpreter of the mock-cluster control port: one text line in, one
 * "ok [text]" or "error <why>" line out. See test/stack/README.md for the commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mock-commands.h"

#define MAX_ERRORS 64

static rd_kafka_mock_cluster_t *mc;
static int broker_cnt;

void mock_commands_init(rd_kafka_mock_cluster_t *cluster, int brokers) {
        mc         = cluster;
        broker_cnt = brokers;
}

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

int parse_int(const char *s, long *out) {
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
void run_command(char *line, char *reply, size_t sz) {
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
