"""workload.py - an allocation-heavy, deterministic Python run for the
zero-false-reports test: its stdout must be byte-identical under glibc and
under liballoc with every debug check on."""
import collections
import fractions
import hashlib
import json
import math
import random
import re
import threading

rng = random.Random(20261123)

# many small objects of many sizes: dicts, tuples, strings, lists
records = []
for i in range(60000):
    name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 40)))
    records.append({"id": i, "name": name, "tags": [name[:3]] * (i % 7), "score": rng.random()})
records.sort(key=lambda r: (r["name"], r["id"]))
print("records", len(records), records[0]["name"], records[-1]["name"])

# grow and shrink big containers (realloc paths, large and huge blocks)
big = []
for i in range(400000):
    big.append(i * i)
del big[::2]
print("big", len(big), sum(big) % 1000003)
blob = b"x" * (48 << 20)
blob = blob + b"y"
print("blob", len(blob), hashlib.sha256(blob).hexdigest()[:16])
del blob

# text processing
text = " ".join(r["name"] for r in records[:20000])
words = collections.Counter(re.findall(r"[aeiou][a-z]{2}", text))
print("words", len(words), words.most_common(3))
doc = json.dumps(records[:5000], sort_keys=True)
back = json.loads(doc)
print("json", len(doc), back[123]["name"], hashlib.md5(doc.encode()).hexdigest())

# arbitrary precision arithmetic allocates on every step
f = fractions.Fraction(0)
for k in range(1, 600):
    f += fractions.Fraction(1, k * k)
print("fraction digits", len(str(f.numerator)), len(str(f.denominator)))
print("factorial bits", math.factorial(5000).bit_length())


# objects allocated in one thread, freed in another
shared = []
lock = threading.Lock()


def producer(seed):
    local_rng = random.Random(seed)
    chunk = [str(local_rng.random()) * local_rng.randint(1, 30) for _ in range(20000)]
    with lock:
        shared.append(chunk)


threads = [threading.Thread(target=producer, args=(s,)) for s in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
total = sum(len(s) for chunk in shared for s in chunk)
shared.clear()
print("threads", total)
