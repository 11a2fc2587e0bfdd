#!/usr/bin/env python3
"""Run pabutools and `cocity pb count` on the same Pabulib files in one run and compare them.

For each file and completion (MES with Cost_Sat; completion `none` = plain MES, `add1` =
pabutools' voter_budget_increment=1):
  * pabutools, in this process: parse_pabulib (timed alone), then as_multiprofile +
    method_of_equal_shares (timed together as "count"), each the median of --pabutools-reps runs
    when a run takes under 20 s, else once;
  * cocity: `cocity pb count FILE --rule mes --sat cost --completion C --json` as a child process
    (posix_spawn), timed by wall clock (parse + count + JSON), REPS times, median reported;
  * the winners, in order, must be identical.
Prints a markdown table and writes it, with the raw figures as JSON, to bench/out/.

Run it through bench/pb-vs-pabutools.sh, which builds cocity and makes the venv.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import sys
import time
from pathlib import Path

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

from pabutools.election import Cost_Sat, parse_pabulib  # noqa: E402
from pabutools.election import total_cost  # noqa: E402
from pabutools.rules import method_of_equal_shares  # noqa: E402

sys.setrecursionlimit(100_000)
BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


class Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise Timeout()


signal.signal(signal.SIGALRM, _on_alarm)


def timed(fn, reps: int, short_s: float):
    """Runs fn and times it; while the runs are short (under short_s seconds), repeats it up to
    reps times in all. Returns (median seconds, fn's last result). The machine's speed drifts by
    tens of percent within minutes, so one run of a short count says little."""
    times = []
    result = None
    while True:
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        if len(times) >= reps or times[-1] >= short_s:
            return statistics.median(times), result


def run_pabutools(path: Path, completions: list[str], timeout: int, reps: int) -> dict:
    parse_s, (instance, profile) = timed(lambda: parse_pabulib(str(path)), reps, 20.0)
    res = {"parse_s": parse_s, "projects": len(instance), "voters": profile.num_ballots(), "runs": {}}
    for completion in completions:
        kwargs = {"voter_budget_increment": 1} if completion == "add1" else {}

        def count():
            multi = profile.as_multiprofile()
            return method_of_equal_shares(instance, multi, sat_class=Cost_Sat, **kwargs)

        signal.alarm(timeout)
        try:
            count_s, outcome = timed(count, reps, 20.0)
            res["runs"][completion] = {"count_s": count_s, "winners": [p.name for p in outcome],
                                       "total_cost": str(total_cost(outcome))}
        except Timeout:
            res["runs"][completion] = {"count_s": None, "timeout": timeout}
        finally:
            signal.alarm(0)
    return res


def spawn_timed(cmd: list[str]) -> tuple[float, int, str, str]:
    """Runs cmd and returns (wall seconds, exit code, stdout, stderr).

    posix_spawn starts the child without copying this process's page tables; subprocess forks,
    and once pabutools holds a parsed profile of 100,000 voters the fork alone adds about 20 ms
    to every timed run, which is the harness's time, not cocity's."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    t0 = time.perf_counter()
    pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, out_w, 1), (os.POSIX_SPAWN_DUP2, err_w, 2),
        (os.POSIX_SPAWN_CLOSE, out_r), (os.POSIX_SPAWN_CLOSE, err_r)])
    os.close(out_w)
    os.close(err_w)
    with os.fdopen(out_r, "rb") as out_f, os.fdopen(err_r, "rb") as err_f:
        # stderr is the progress bar, a few KB at most: read it after stdout's end.
        out = out_f.read()
        err = err_f.read()
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - t0
    return elapsed, os.waitstatus_to_exitcode(status), out.decode(), err.decode(errors="replace")


def run_cocity(binary: Path, path: Path, completion: str, reps: int) -> dict:
    cmd = [str(binary.resolve()), "pb", "count", str(path), "--rule", "mes", "--sat", "cost",
           "--completion", completion, "--json"]
    times = []
    out = None
    for _ in range(reps):
        elapsed, code, out, err = spawn_timed(cmd)
        times.append(elapsed)
        if code != 0:
            return {"error": f"exit {code}: {err.strip()[:300]}"}
    try:
        data = json.loads(out)
    except json.JSONDecodeError as e:
        return {"error": f"not JSON: {e}"}
    return {"median_s": statistics.median(times), "min_s": min(times), "times_s": times,
            "winners": [str(w) for w in data.get("winners", [])], "total_cost": data.get("total_cost")}


def fixture_winners(path: Path, completion: str) -> list[str] | None:
    fx = REPO / "crates" / "cocity-pb" / "tests" / "fixtures" / "pabutools" / f"{path.stem}.json"
    if not fx.exists():
        return None
    for o in json.loads(fx.read_text(encoding="utf-8")).get("outcomes", []):
        if (o["rule"], o["sat"], o["completion"]) == ("mes", "cost", completion):
            return o["winners"]
    return None


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def fmt(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--cocity", type=Path, help="cocity binary (omit to time pabutools only)")
    ap.add_argument("--completions", default="none,add1")
    ap.add_argument("--reps", type=int, default=5, help="cocity repetitions (median reported)")
    ap.add_argument("--pabutools-timeout", type=int, default=1800, help="seconds per pabutools count")
    ap.add_argument("--pabutools-reps", type=int, default=3,
                    help="pabutools repetitions of a parse or count that takes under 20 s (median reported)")
    ap.add_argument("--out", type=Path, default=BENCH / "out" / "pb-vs-pabutools")
    args = ap.parse_args()
    completions = [c for c in args.completions.split(",") if c]
    if args.cocity is not None and not args.cocity.exists():
        print(f"error: cocity binary {args.cocity} does not exist", file=sys.stderr)
        return 2

    import pabutools
    rows = []
    results = []
    for path in args.files:
        print(f"# {path.name}: pabutools ...", file=sys.stderr, flush=True)
        pt = run_pabutools(path, completions, args.pabutools_timeout, args.pabutools_reps)
        for completion in completions:
            pr = pt["runs"][completion]
            cr = run_cocity(args.cocity, path, completion, args.reps) if args.cocity else None
            p_total = None if pr.get("count_s") is None else pt["parse_s"] + pr["count_s"]
            if cr is None:
                c_s, ratio, same = None, None, "not run"
            elif "error" in cr:
                c_s, ratio, same = None, None, f"error: {cr['error']}"
            else:
                c_s = cr["median_s"]
                ratio = (p_total / c_s) if p_total is not None and c_s else None
                if "winners" in pr:
                    same = "yes" if pr["winners"] == cr["winners"] else (
                        "same set, other order" if sorted(pr["winners"]) == sorted(cr["winners"]) else "NO")
                else:
                    fx = fixture_winners(path, completion)
                    same = ("pabutools timed out; " + ("yes vs fixture" if fx == cr["winners"] else
                            "no fixture" if fx is None else "NO vs fixture"))
            if ratio is None and p_total is None and c_s:
                ratio_s = f"> {pr['timeout'] / c_s:.0f}"
            else:
                ratio_s = "—" if ratio is None else f"{ratio:.0f}×"
            p_count = "> %d" % pr["timeout"] if pr.get("count_s") is None else fmt(pr["count_s"], 2)
            rows.append((path.name, pt["projects"], pt["voters"], completion, fmt(pt["parse_s"], 2), p_count,
                         fmt(c_s, 4), ratio_s, same, len(pr.get("winners", [])) if "winners" in pr else "—"))
            results.append({"file": path.name, "completion": completion, "pabutools": {**pr, "parse_s": pt["parse_s"]},
                            "cocity": cr, "ratio": ratio, "identical": same})
            print(f"  {completion}: pabutools parse {fmt(pt['parse_s'], 2)} s + count {p_count} s; "
                  f"cocity {fmt(c_s, 4)} s; identical: {same}", file=sys.stderr, flush=True)

    header = ("| file | projects | voters | completion | pabutools parse s | pabutools count s | cocity s (median) "
              "| ratio | identical | winners |\n|---|---:|---:|---|---:|---:|---:|---:|---|---:|")
    lines = [header] + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    machine = f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    md = "\n".join(lines) + (
        f"\n\npabutools {pabutools.__version__ if hasattr(pabutools, '__version__') else '?'}, MES Cost_Sat; "
        f"ratio = (pabutools parse + count) / cocity wall time (cocity's includes parsing and process start); "
        f"{args.reps} cocity runs, median; pabutools parse and count: median of {args.pabutools_reps} runs "
        f"when under 20 s, else one run; {machine}.\n")
    print(md)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".md").write_text(md, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    bad = [r for r in results if isinstance(r["identical"], str) and ("NO" in r["identical"] or "error" in r["identical"])]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
