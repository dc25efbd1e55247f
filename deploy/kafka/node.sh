#!/usr/bin/env bash
# Entry point of a Kafka node of docker-compose.yml: writes the node's JAAS file, then starts the
# image's own way (/etc/kafka/docker/run: server.properties from the KAFKA_* variables, storage
# formatted on first start). The JAAS file is not a KAFKA_* variable because the image's
# env-to-properties step drops any value containing '=' (every JAAS line does).
#
# The brokers' own user, admin (the super user), logs in with SASL/PLAIN to the other brokers and
# to the controllers; this file is the only place its password is checked. Clients log in with
# SCRAM-SHA-512: their credentials are in the cluster's metadata, made by kafka-setup
# (deploy/kafka/setup.sh). The image cannot add SCRAM users at format time, which is why the
# brokers use PLAIN here and SCRAM in ./quaero cluster (docs/SECURITY.md).
#
# PLAIN is also open to the worker user, and only to it (the JAAS user_ entries are the whole list):
# clients on librdkafka older than 2.6.1 cannot log in with SCRAM to Kafka 4 (librdkafka#4895).
set -euo pipefail
: "${QUAERO_KAFKA_ADMIN_PASSWORD:?not set: give it in .env (see .env.example)}"
: "${QUAERO_KAFKA_WORKER_PASSWORD:?not set: give it in .env (see .env.example)}"
umask 077
jaas=/tmp/kafka-server-jaas.conf
cat > "$jaas" <<JAAS
KafkaServer {
  org.apache.kafka.common.security.plain.PlainLoginModule required
    username="admin" password="$QUAERO_KAFKA_ADMIN_PASSWORD" user_admin="$QUAERO_KAFKA_ADMIN_PASSWORD"
    user_worker="$QUAERO_KAFKA_WORKER_PASSWORD";
  org.apache.kafka.common.security.scram.ScramLoginModule required;
};
JAAS
export KAFKA_OPTS="${KAFKA_OPTS:-} -Djava.security.auth.login.config=$jaas"
exec /etc/kafka/docker/run
