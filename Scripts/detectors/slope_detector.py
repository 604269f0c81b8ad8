#!/usr/bin/env python3
"""An example LeakLab detector: a least-squares slope with a persistence and a settle check.

Run it with `leaklab validate --detector-cmd 'python3 Scripts/detectors/slope_detector.py'`.
Standard library only. The full protocol is in docs/detector-protocol.md.

INPUT (stdin): one JSON object, the run's trace:
    {
      "scenario": "blocked-tasks", "variant": "continuation-never-resumed", "pattern": "blocked-tasks",
      "allocator": {"requested": "jemalloc", "active": "jemalloc", ...},
      "parameters": {"seed": "1", ...},
      "warmUpIterations": 100, "workloadIterations": 2000, "sampleEvery": 10,
      "outcome": "completed",            # or budget-exceeded, crashed, timed-out, failed
      "unavailableMetrics": ["resident", ...],
      "samples": [
        {"t": 0.12, "phase": "workload", "iteration": 110,
         "allocated": 8123456, "rss": 20123456, "fds": 7, "threads": 4, ...},
        ...
      ]
    }
  phase is one of setUp, warmUp, workload, settle, tearDown; iteration counts warm-up too.
  Every metric (allocated, active, resident, mapped, retained, metadata, mallocs, frees, rss, fds,
  threads) is ABSENT when it could not be measured: never read a missing metric as 0.

OUTPUT (stdout): exactly one JSON object:
    {"leak": true, "ratePerIteration": 1312.5, "confidence": 0.9, "firstIteration": 260}
  leak (Boolean) is required; ratePerIteration (bytes per workload iteration), confidence (0..1),
  firstIteration (the iteration at which you would first have said leak), resourceRates
  ({"fds": 1.0}) and note (a string) are optional. Nothing else may be printed on stdout; write
  diagnostics to stderr. Exit 0. A non-zero exit, other output, or running past the time-out
  (10 s by default) makes the detector "failed" for that run.
"""
import json
import sys

BYTES_FLOOR = 32.0  # bytes per iteration below which a slope is noise


def slope(points):
    """Least-squares slope of [(x, y)], or None."""
    n = len(points)
    if n < 2:
        return None
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx


def judge(samples, metric, floor):
    """(leak, rate) for one metric over the workload, or None when it was not measured."""
    before = [s for s in samples if s["phase"] in ("setUp", "warmUp") and metric in s]
    workload = [s for s in samples if s["phase"] == "workload" and metric in s]
    settle = [s for s in samples if s["phase"] == "settle" and metric in s]
    window = before[-1:] + workload
    if len(window) < 8:
        return None
    points = [(s["iteration"], s[metric]) for s in window]
    whole = slope(points)
    late = slope(points[len(points) // 2:])
    if whole is None or late is None:
        return None
    leak = whole >= floor and late >= max(floor, 0.5 * whole)
    if leak and settle:
        rise = whole * (points[-1][0] - points[0][0])
        kept = settle[-1][metric] - points[0][1]
        leak = kept >= 0.5 * rise
    return leak, whole


def main():
    trace = json.load(sys.stdin)
    samples = [s for s in trace.get("samples", []) if s.get("phase") != "tearDown"]
    memory = "allocated" if any("allocated" in s for s in samples) else "rss"
    verdicts = {
        memory: judge(samples, memory, BYTES_FLOOR),
        "fds": judge(samples, "fds", 0.05),
        "threads": judge(samples, "threads", 0.05),
    }
    judged = {name: v for name, v in verdicts.items() if v is not None}
    if not judged:
        print("too few workload samples", file=sys.stderr)
        return 1
    leak = any(v[0] for v in judged.values())
    result = {"leak": leak, "confidence": 0.8 if leak else 0.7}
    if memory in judged:
        result["ratePerIteration"] = judged[memory][1]
    rates = {name: judged[name][1] for name in ("fds", "threads") if name in judged}
    if rates:
        result["resourceRates"] = rates
    result["note"] = ", ".join(f"{name} {v[1]:+.1f}/it" for name, v in judged.items())
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
