#!/bin/bash
# python3: dicts, lists, strings, json and threads (workload.py).
set -eu
export PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1
exec /usr/bin/python3 "$(dirname "$0")/workload.py"
