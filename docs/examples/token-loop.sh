#!/bin/bash
# A long job under `tessera exec --serve`: before each call it asks the token endpoint
# for a token (fresh enough for the call), then calls TSS with it.
# Usage: token-loop.sh [rounds] [seconds between rounds]
set -euo pipefail
rounds=${1:-5} pause=${2:-1}
for ((i = 1; i <= rounds; i++)); do
  # Headers go to curl on stdin: arguments would show the secret in `ps`.
  answer=$(printf 'Authorization: %s\n' "$TESSERA_TOKEN_AUTH" | curl -sS --fail --noproxy 127.0.0.1 -H @- "$TESSERA_TOKEN_URL")
  token=$(sed -E 's/.*"token":"([^"]+)".*/\1/' <<<"$answer")
  expires=$(sed -E 's/.*"expiresAt":"([^"]+)".*/\1/' <<<"$answer")
  status=$(printf 'Authorization: Bearer %s\nX-ILMN-Domain: %s\n' "$token" "$TESSERA_DOMAIN" |
    curl -sS -o /dev/null -w '%{http_code}' -H @- "$TESSERA_TSS_URL/tms/api/v1/testDefinitions")
  echo "round $i: TSS answered $status with a token valid until $expires"
  [[ $status == 200 ]] || exit 1
  ((i == rounds)) || sleep "$pause"
done
