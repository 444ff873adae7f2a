#!/bin/sh
# NOT the icav2 CLI: a stand-in that reads its two settings the way icav2 documents them
# (ICAV2_SERVER_URL = the `server-url` setting, a host such as ica.illumina.com, reached
# over https; ICAV2_ACCESS_TOKEN = the JWT) and does what `icav2 projects list` asks ICA.
# A server URL with an explicit scheme (http://127.0.0.1:8790) is used as given.
server=${ICAV2_SERVER_URL:-ica.illumina.com}
case $server in
  http://* | https://*) ;;
  *) server="https://$server" ;;
esac
# The header goes to curl on stdin, not in its arguments (which `ps` shows to everyone).
body=$(printf 'Authorization: Bearer %s\nAccept: application/vnd.illumina.v3+json\n' "$ICAV2_ACCESS_TOKEN" |
  curl -sS --fail -H @- "$server/ica/rest/api/projects") || exit
printf '%s' "$body" | python3 -c 'import json, sys
for p in json.load(sys.stdin)["items"]: print(p["id"], p["name"], sep="  ")'
