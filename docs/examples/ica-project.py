#!/usr/bin/env python3
"""Reads what `tessera exec --project` sets (ICAV2_ACCESS_TOKEN, ICAV2_BASE_URL,
ICAV2_PROJECT_ID), the variables libica/wrapica-based tools read, and fetches the project."""
import json
import os
import urllib.request

base = os.environ["ICAV2_BASE_URL"]  # e.g. https://ica.illumina.com/ica/rest
project_id = os.environ["ICAV2_PROJECT_ID"]
request = urllib.request.Request(
    f"{base}/api/projects/{project_id}",
    headers={
        "Authorization": "Bearer " + os.environ["ICAV2_ACCESS_TOKEN"],
        "Accept": "application/vnd.illumina.v3+json",
    },
)
with urllib.request.urlopen(request, timeout=30) as response:
    project = json.load(response)
print(f"{response.status} project {project['name']!r} ({project['id']}), region {project['region']['code']}")
