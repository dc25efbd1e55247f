#!/usr/bin/env bash
# kafka-setup of docker-compose.yml, run once the three nodes are healthy and before any service:
# creates (or updates) each Quaero user's SCRAM-SHA-512 credential from its QUAERO_KAFKA_<USER>_PASSWORD,
# then every ACL of deploy/kafka/acls.conf (the list ./quaero cluster applies too). Both steps are
# idempotent: running it again changes only a password that changed.
set -euo pipefail
set -f # a name ending in * is a prefix, not a glob
here=$(dirname "$0")
bootstrap=kafka-1:9092,kafka-2:9092,kafka-3:9092

for user in job-service log-ingest stream-gateway web-ui worker; do
  var="QUAERO_KAFKA_$(echo "$user" | tr 'a-z-' 'A-Z_')_PASSWORD"
  password=${!var:-}
  if [ -z "$password" ]; then
    echo "kafka-setup: $var is not set: give it in .env (see .env.example)" >&2
    exit 1
  fi
  "$here/admin-tool.sh" kafka-configs.sh --bootstrap-server "$bootstrap" --alter --entity-type users \
    --entity-name "$user" --add-config "SCRAM-SHA-512=[password=$password]"
done

while read -r user type operations names; do
  case "$user" in '' | '#'*) continue ;; esac
  flags=()
  IFS=, read -ra list <<< "$operations"
  for operation in "${list[@]}"; do flags+=(--operation "$operation"); done
  for name in $names; do
    pattern=literal
    if [[ $name == *'*' ]]; then
      pattern=prefixed
      name=${name%'*'}
    fi
    "$here/admin-tool.sh" kafka-acls.sh --bootstrap-server "$bootstrap" --add --allow-principal "User:$user" \
      "${flags[@]}" "--$type" "$name" --resource-pattern-type "$pattern"
  done
done < "$here/acls.conf"
echo "kafka-setup: users and ACLs in place"
