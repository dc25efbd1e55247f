#!/usr/bin/env bash
# Runs one of Kafka's tools (/opt/kafka/bin/<tool>) as the cluster's super user, admin, in a
# container of docker-compose.yml: admin-tool.sh <tool> <its arguments>. The login goes into a
# 0600 file given as --command-config, so the password is on no command line. Needs
# QUAERO_KAFKA_ADMIN_PASSWORD.
set -euo pipefail
: "${QUAERO_KAFKA_ADMIN_PASSWORD:?not set: give it in .env (see .env.example)}"
umask 077
props=$(mktemp /tmp/quaero-admin.XXXXXX.properties)
trap 'rm -f "$props"' EXIT
printf '%s\n' 'security.protocol=SASL_PLAINTEXT' 'sasl.mechanism=PLAIN' \
  "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"$QUAERO_KAFKA_ADMIN_PASSWORD\";" \
  > "$props"
tool=$1
shift
"/opt/kafka/bin/$tool" --command-config "$props" "$@"
