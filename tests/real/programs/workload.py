"""Deterministic Python workload: dicts, lists, strings, json, threads.

Everything printed depends only on the computation, never on addresses or
timing, so the output under any malloc must be byte-identical.
"""
import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor


def digest(obj):
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]


def dicts():
    d = {}
    for i in range(200000):
        d["key%d" % i] = [i, str(i) * (i % 7), {"n": i}]
    for i in range(0, 200000, 3):
        del d["key%d" % i]
    total = sum(v[0] for v in d.values())
    return len(d), total, digest(sorted(d)[:1000])


def lists():
    rows = [[j * i % 97 for j in range(50)] for i in range(5000)]
    rows.sort(key=lambda r: (sum(r), r))
    flat = [x for r in rows for x in r if x % 3]
    flat.reverse()
    return len(flat), sum(flat[::7]), digest(rows[:50])


def strings():
    parts = []
    for i in range(50000):
        s = ("abc%05d" % i).upper().replace("B", "bb")
        parts.append(s[::-1] + "-" + s.lower())
    text = "|".join(parts)
    words = text.split("|")
    counts = {}
    for w in words:
        counts[w[-1]] = counts.get(w[-1], 0) + 1
    return len(text), sorted(counts.items()), hashlib.md5(text.encode()).hexdigest()


def json_roundtrip():
    doc = {"items": [{"id": i, "name": "item-%d" % i, "tags": ["t%d" % (i % 10)] * (i % 4),
                      "price": i * 1.25} for i in range(30000)]}
    for _ in range(3):
        doc = json.loads(json.dumps(doc, indent=1))
    return len(doc["items"]), digest(doc)


def worker(n):
    acc = []
    for i in range(n):
        acc.append(("%d:" % i) * (i % 13))
        if len(acc) > 500:
            acc = acc[250:]
    return hashlib.sha1("".join(acc).encode()).hexdigest()[:12]


def threads():
    with ThreadPoolExecutor(max_workers=4) as ex:
        results = list(ex.map(worker, range(20000, 20016)))
    # Plain threads sharing a dict under a lock: frees cross threads.
    shared, lock = {}, threading.Lock()

    def fill(t):
        for i in range(20000):
            with lock:
                shared[(t, i % 1000)] = "x" * (i % 300)
                if i % 5 == 0:
                    shared.pop((t, (i * 7) % 1000), None)
    ts = [threading.Thread(target=fill, args=(t,)) for t in range(6)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return results, len(shared), sum(map(len, shared.values()))


for name, fn in [("dicts", dicts), ("lists", lists), ("strings", strings),
                 ("json", json_roundtrip), ("threads", threads)]:
    print(name, fn())
