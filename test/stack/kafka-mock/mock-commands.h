/* Control-port commands of the mock-cluster harness (mock-commands.c). */
#ifndef HINDSIGHT_MOCK_COMMANDS_H
#define HINDSIGHT_MOCK_COMMANDS_H

#include <stddef.h>
#include "rdkafka.h"
#include "rdkafka_mock.h"

/** Binds the interpreter to a cluster of `brokers` brokers (ids 1..brokers). */
void mock_commands_init(rd_kafka_mock_cluster_t *cluster, int brokers);

/** Parses a whole decimal integer; returns 0 on success. */
int parse_int(const char *s, long *out);

/** Runs one command line (modified in place); writes "ok ..." or "error <why>" into reply. */
void run_command(char *line, char *reply, size_t sz);

#endif
