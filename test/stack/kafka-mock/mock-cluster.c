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

#include "mock-commands.h"

#define MAX_CLIENTS 32
#define LINE_MAX_LEN 4096

static volatile sig_atomic_t stopping = 0;

static void on_signal(int sig) {
        (void)sig;
        stopping = 1;
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
        rd_kafka_mock_cluster_t *mc;
        int i, n, ctl, port = -1, broker_cnt = 3;
        long v, rebalance_delay = -1;

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
        mock_commands_init(mc, broker_cnt);
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
