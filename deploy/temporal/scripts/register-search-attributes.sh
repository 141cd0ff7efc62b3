#!/bin/sh
# One-shot job (service `temporal-search-attributes`, image temporalio/admin-tools), run after the
# Temporal server is healthy and before api/worker start. The plain temporalio/server image creates
# no namespace, so this job:
#   1. waits until the frontend answers `cluster health`;
#   2. creates the namespace (default: `default`) unless it already exists;
#   3. registers the custom search attributes the workflows upsert.
# Every step checks before it acts and accepts "already exists", so re-running it (every
# `docker compose up`) succeeds and changes nothing.
set -eu

ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
NAMESPACE=${TEMPORAL_NAMESPACE:-default}
RETENTION=${TEMPORAL_NAMESPACE_RETENTION:-720h}
ATTEMPTS=${SETUP_ATTEMPTS:-60}

# Name:Type pairs. Types are those of `temporal operator search-attribute create --type`.
# Keep in step with domain/search-attributes.ts (searchAttributeRegistrations).
SEARCH_ATTRIBUTES="OrderStatus:Keyword ReviewReasons:KeywordList MerchantId:Keyword SalesChannel:Keyword ExternalOrderId:Keyword Attention:Keyword"

log() { echo "search-attributes: $*"; }

# retry DESCRIPTION COMMAND...: runs COMMAND until it succeeds, at most $ATTEMPTS times, 2 s apart.
retry() {
  what=$1
  shift
  n=1
  until "$@"; do
    if [ "$n" -ge "$ATTEMPTS" ]; then
      echo "search-attributes: gave up waiting for $what" >&2
      return 1
    fi
    log "waiting for $what ($n/$ATTEMPTS)"
    n=$((n + 1))
    sleep 2
  done
}

namespace_exists() {
  temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1
}

# Prints the registered type of search attribute $1 in $NAMESPACE (empty if it is not registered).
registered_type() {
  temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" 2>/dev/null \
    | awk -v name="$1" '$1 == name { print $2; exit }'
}

retry "the Temporal frontend at $ADDRESS" \
  temporal operator cluster health --address "$ADDRESS"

if namespace_exists; then
  log "namespace $NAMESPACE already exists"
else
  log "creating namespace $NAMESPACE (retention $RETENTION)"
  if ! out=$(temporal operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" \
      --retention "$RETENTION" 2>&1); then
    case "$out" in
      *[Aa]lready*) log "namespace $NAMESPACE was created concurrently" ;;
      *) echo "$out" >&2; exit 1 ;;
    esac
  fi
  # The server's namespace cache refreshes asynchronously: wait until the namespace is usable.
  retry "namespace $NAMESPACE to become visible" namespace_exists
fi

for pair in $SEARCH_ATTRIBUTES; do
  name=${pair%%:*}
  type=${pair#*:}
  n=1
  while :; do
    current=$(registered_type "$name")
    if [ -n "$current" ]; then
      # Compare case-insensitively; a different type cannot be fixed automatically (the
      # attribute would have to be removed first), so say so loudly but do not block startup.
      if [ "$(echo "$current" | tr '[:upper:]' '[:lower:]')" = "$(echo "$type" | tr '[:upper:]' '[:lower:]')" ]; then
        log "$name ($type) is registered"
      else
        echo "search-attributes: WARNING $name is registered as $current, expected $type" >&2
      fi
      break
    fi
    if [ "$n" -gt "$ATTEMPTS" ]; then
      echo "search-attributes: could not register $name ($type)" >&2
      exit 1
    fi
    if out=$(temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
        --name "$name" --type "$type" 2>&1); then
      log "created $name ($type)"
    else
      case "$out" in
        *[Aa]lready*) log "$name already exists" ;;
        *) log "create $name failed, will retry: $out" ;;
      esac
    fi
    # Loop back to confirm through `list`: that is what the workflows will see.
    n=$((n + 1))
    sleep 1
  done
done

log "namespace $NAMESPACE has all custom search attributes"
