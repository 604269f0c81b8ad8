#!/usr/bin/env python3
"""The measurements behind Scripts/bench. Every figure is measured here, now; runs that are
compared are interleaved (on, off, on, off, ...) and summarised by their median."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

JEMALLOC_CANDIDATES = ["/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2", "/usr/lib/libjemalloc.so.2"]


def log(message):
    print(message, file=sys.stderr, flush=True)


BIN = None  # the directory holding leaklab, leaklab-host, leaklab-bench-probe and the plugins


def leaklab(root, *arguments, check=True):
    """Runs the release leaklab; returns (wall seconds, completed process)."""
    start = time.monotonic()
    process = subprocess.run([f"{BIN}/leaklab", *arguments], capture_output=True, text=True)
    wall = time.monotonic() - start
    if check and process.returncode not in (0, 1):
        raise SystemExit(f"leaklab {' '.join(arguments)} exited {process.returncode}:\n{process.stderr}")
    return wall, process


def sample_cost(root, samples):
    """Median µs per probe sample and allocations per sample, in a child under jemalloc."""
    library = next((path for path in JEMALLOC_CANDIDATES if os.path.exists(path)), None)
    environment = dict(os.environ, MALLOC_CONF="tcache:false,narenas:1")
    if library:
        environment["LD_PRELOAD"] = library
    output = subprocess.run([f"{BIN}/leaklab-bench-probe", str(samples)], env=environment,
                            capture_output=True, text=True, check=True).stdout
    return json.loads(output)


def census_cost(root, tasks):
    """A task count and a census at `tasks` live tasks, in a child under jemalloc (tcache off, so
    the allocator's counts across one census are exact)."""
    library = next((path for path in JEMALLOC_CANDIDATES if os.path.exists(path)), None)
    environment = dict(os.environ, MALLOC_CONF="tcache:false,narenas:1")
    if library:
        environment["LD_PRELOAD"] = library
    output = subprocess.run([f"{root}/.build/release/leaklab-bench-probe", "census", str(tasks)], env=environment,
                            capture_output=True, text=True, check=True).stdout
    return json.loads(output)


def workload_seconds(record):
    """Seconds the workload phase took, from the child's own sample clock."""
    samples = record["samples"]
    before = [s for s in samples if s["phase"] in ("setUp", "warmUp")]
    workload = [s for s in samples if s["phase"] == "workload"]
    return workload[-1]["t"] - before[-1]["t"]


def sampling_overhead(root, target, iterations, rounds):
    """Workload time with default sampling ÷ with sampling (almost) off, interleaved."""
    on, off = [], []
    with tempfile.TemporaryDirectory() as directory:
        path = f"{directory}/r.json"
        for index in range(rounds):
            for mode, bucket in (("on", on), ("off", off)) if index % 2 == 0 else (("off", off), ("on", on)):
                extra = [] if mode == "on" else ["--sample-every", str(10 ** 9)]
                leaklab(root, "run", target, "--iterations", str(iterations), "--quiet", "--detectors", "trend",
                        "--json", path, *extra)
                with open(path) as file:
                    record = json.load(file)
                bucket.append(workload_seconds(record))
                if mode == "on":
                    samples_on = len(record["samples"])
    ratios = [a / b for a, b in zip(on, off)]
    return {"ratio": statistics.median(ratios), "onSeconds": statistics.median(on), "offSeconds": statistics.median(off),
            "ratios": [round(ratio, 4) for ratio in ratios],
            "samplesPerRun": samples_on, "rounds": rounds, "target": target, "iterations": iterations}


def phase_end(samples, phases):
    times = [s["t"] for s in samples if s["phase"] in phases]
    return times[-1] if times else None


def run_seconds(root, target, rounds):
    """Median wall time of `leaklab run TARGET` (default iterations, built-in detectors) and median
    settle time (last settle sample − last workload sample, from the child's own clock)."""
    walls, settles = [], []
    with tempfile.TemporaryDirectory() as directory:
        path = f"{directory}/r.json"
        leaklab(root, "run", target, "--quiet")  # warm the page cache
        for _ in range(rounds):
            wall, _ = leaklab(root, "run", target, "--quiet", "--json", path)
            walls.append(wall)
            with open(path) as file:
                samples = json.load(file)["samples"]
            end, settled = phase_end(samples, ("workload",)), phase_end(samples, ("settle",))
            if end is not None and settled is not None:
                settles.append(settled - end)
    return {"runSeconds": statistics.median(walls), "settleSeconds": statistics.median(settles) if settles else None,
            "rounds": rounds, "target": target}


def tool_matrix_seconds(root, scenarios, jobs, detectors):
    """Wall seconds of validate with the external tools plus trend, on `scenarios` (all if empty)."""
    wall, process = leaklab(root, "validate", *scenarios, "--detectors", detectors,
                            "--jobs", str(jobs), "--quiet", check=False)
    return {f"jobs{jobs}": round(wall, 2), "scenarios": scenarios or "all", "detectors": detectors,
            "exit": process.returncode}


def matrix_seconds(root, jobs_list, scenarios, rounds):
    """Median wall seconds of `validate` per job count over `rounds` rounds, the job counts
    interleaved within each round (a shared VM's neighbours move one run by ±15 %)."""
    walls = {jobs: [] for jobs in jobs_list}
    for _ in range(rounds):
        for jobs in jobs_list:
            wall, _ = leaklab(root, "validate", *scenarios, "--jobs", str(jobs), "--quiet")
            walls[jobs].append(round(wall, 2))
    result = {f"jobs{jobs}": round(statistics.median(values), 2) for jobs, values in walls.items()}
    result.update({f"jobs{jobs}Rounds": values for jobs, values in walls.items()})
    return result


def verdict_cost(root, target, iterations):
    """Each tool's wall time for a verdict ÷ LeakLab's run plus its built-in detectors."""
    base_wall, base = leaklab(root, "run", target, "--iterations", str(iterations), "--quiet")
    result = {"leaklabSeconds": round(base_wall, 2), "target": target, "iterations": iterations}
    for tool in ("memcheck", "heaptrack", "lsan"):
        with tempfile.TemporaryDirectory() as directory:
            path = f"{directory}/r.json"
            wall, process = leaklab(root, "run", target, "--iterations", str(iterations), "--quiet",
                                    "--detectors", tool, "--json", path, check=False)
            if process.returncode == 2:
                result[tool] = None
                result[f"{tool}Reason"] = process.stderr.strip().splitlines()[-1] if process.stderr.strip() else "unavailable"
                continue
            try:
                with open(path) as file:
                    verdict = next(v for v in json.load(file)["verdicts"] if v["detector"] == tool)
            except (OSError, StopIteration, KeyError, json.JSONDecodeError):
                verdict = {"failure": "no verdict written"}
            if verdict.get("failure"):
                result[tool] = None
                result[f"{tool}Reason"] = verdict["failure"]
                continue
            # The command ran the plain run and the tool's run; the tool's share is the difference.
            result[tool] = round(max(wall - base_wall, 0) / base_wall, 2)
            result[f"{tool}Seconds"] = round(wall - base_wall, 2)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", required=True)
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (for a smoke test)")
    parser.add_argument("--bin", help="the build products to measure (default: ROOT/.build/release)")
    parser.add_argument("--tool-scenarios", default="retain-cycle",
                        help="comma-separated scenarios for toolMatrixSeconds ('all': the whole catalogue, "
                             "which takes many minutes under valgrind; default retain-cycle)")
    parser.add_argument("--tool-detectors", default="memcheck,lsan,heaptrack,trend",
                        help="detectors for toolMatrixSeconds (lsan builds .build-asan on first use)")
    parser.add_argument("--skip-tools", action="store_true", help="leave out toolMatrixSeconds and verdictCost")
    options = parser.parse_args()
    quick = options.quick
    global BIN
    BIN = options.bin or f"{options.root}/.build/release"

    log("bench: probe sample cost ...")
    probe = sample_cost(options.root, 2_000 if quick else 50_000)
    log("bench: task census at 10,000 live tasks ...")
    census = census_cost(options.root, 10_000)
    log("bench: sampling overhead (interleaved on/off runs) ...")
    overhead = sampling_overhead(options.root, "retain-cycle/weak-self", 20_000 if quick else 200_000, 2 if quick else 15)
    log("bench: run time and settle time of retain-cycle/strong-self ...")
    run = run_seconds(options.root, "retain-cycle/strong-self", 3 if quick else 9)
    log("bench: matrix time, validate with 1 and 2 jobs ...")
    matrix = matrix_seconds(options.root, [1, 2], ["retain-cycle", "unclosed-files"] if quick else [], 1 if quick else 3)
    tools, cost = None, {}
    if not options.skip_tools:
        scenarios = [] if options.tool_scenarios == "all" else options.tool_scenarios.split(",")
        log(f"bench: tool matrix ({options.tool_detectors}; jobs 2) on {options.tool_scenarios} ...")
        tools = tool_matrix_seconds(options.root, scenarios, 2, options.tool_detectors)
        log("bench: verdict cost of the external tools ...")
        cost = verdict_cost(options.root, "retain-cycle/strong-self", 500 if quick else 2_000)

    figures = {
        "schema": "leaklab.bench/1",
        "sampleMicros": round(probe["sampleMicros"], 2),
        "sampleMeanMicros": round(probe["sampleMeanMicros"], 2) if "sampleMeanMicros" in probe else None,
        "freshSampleMicros": round(probe["freshSampleMicros"], 2) if "freshSampleMicros" in probe else None,
        "runSeconds": round(run["runSeconds"], 3),
        "settleSeconds": round(run["settleSeconds"], 3) if run["settleSeconds"] is not None else None,
        "runDetail": run,
        "toolMatrixSeconds": tools,
        "sampleAllocations": probe.get("sampleAllocations"),
        "allocatorProbeMicros": round(probe.get("allocatorProbeMicros", 0), 2),
        "censusMillis": round(census["censusMillis"], 2),
        "taskCountMillis": round(census["taskCountMillis"], 2),
        "censusAllocations": census.get("censusAllocations"),
        "censusAllocatedBytes": census.get("censusAllocatedBytes"),
        "censusDetail": census,
        "samplingOverhead": round(overhead["ratio"], 4),
        "samplingOverheadDetail": overhead,
        "matrixSeconds": matrix,
        "verdictCost": {key: cost.get(key) for key in ("memcheck", "heaptrack", "lsan")},
        "verdictCostDetail": cost,
        "quick": quick,
    }
    print(json.dumps(figures, indent=2, sort_keys=True))
    if options.json:
        with open(options.json, "w") as file:
            json.dump(figures, file, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
