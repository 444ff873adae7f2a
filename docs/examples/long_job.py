#!/usr/bin/env python3
"""A long Python job under `tessera exec --serve`: a fresh token from the token endpoint
before each ICA call. Usage: long_job.py [rounds] [seconds between rounds]"""
import json
import os
import sys
import time
import urllib.request


# The endpoint is on 127.0.0.1: never through a proxy from HTTP_PROXY.
local = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fresh_token():
    request = urllib.request.Request(
        os.environ["TESSERA_TOKEN_URL"],
        headers={"Authorization": os.environ["TESSERA_TOKEN_AUTH"]},
    )
    with local.open(request, timeout=30) as response:
        answer = json.load(response)
    return answer["token"], answer["expiresAt"]


rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
pause = float(sys.argv[2]) if len(sys.argv) > 2 else 1
for i in range(1, rounds + 1):
    token, expires = fresh_token()
    request = urllib.request.Request(
        os.environ["ICAV2_BASE_URL"] + "/api/projects",
        headers={"Authorization": "Bearer " + token, "Accept": "application/vnd.illumina.v3+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        count = len(json.load(response)["items"])
        print(f"round {i}: ICA answered {response.status} ({count} projects) with a token valid until {expires}", flush=True)
    if i < rounds:
        time.sleep(pause)
