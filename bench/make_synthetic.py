#!/usr/bin/env python3
"""Write a synthetic Budapest-sized Pabulib approval instance (fixed seed, standard library only).

Budapest 2024 had 175 projects and 28,943 voters; this makes 175 projects and 30,000 voters with
a skewed popularity (a few projects draw most votes, as in real data), vote lengths of 1 to 10,
costs between 5 and 120 million in steps of 100,000, and a budget of 1,000,000,000. Identical
ballots occur at a realistic rate, so pabutools' multiprofile helps it as much as on real files.

    python3 bench/make_synthetic.py --out bench/out/synthetic_budapest.pb
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SEED = 20240175


def generate(projects: int, voters: int, budget: int, seed: int) -> str:
    rng = random.Random(seed)
    costs = [rng.randrange(50, 1201) * 100_000 for _ in range(projects)]
    # Log-normal popularity: heavy-tailed like real PB votes.
    weights = [rng.lognormvariate(0.0, 1.1) for _ in range(projects)]
    lengths = list(range(1, 11))
    length_weights = [22, 18, 15, 12, 10, 8, 6, 4, 3, 2]
    lines = [
        "META",
        "key;value",
        "description;Synthetic Budapest-sized instance for benchmarks (bench/make_synthetic.py)",
        "country;Synthetic",
        "unit;Synthetic",
        "instance;budapest-sized",
        f"num_projects;{projects}",
        f"num_votes;{voters}",
        f"budget;{budget}",
        "vote_type;approval",
        "rule;equalshares/add1",
        "date_begin;2024",
        "date_end;2024",
        "min_length;1",
        "max_length;10",
        "PROJECTS",
        "project_id;cost;name",
    ]
    for i, c in enumerate(costs, start=1):
        lines.append(f"{i};{c};Project {i}")
    lines += ["VOTES", "voter_id;vote"]
    ids = list(range(1, projects + 1))
    for v in range(1, voters + 1):
        k = rng.choices(lengths, length_weights)[0]
        chosen: set[int] = set()
        while len(chosen) < k:
            chosen.add(rng.choices(ids, weights)[0])
        lines.append(f"{v};{','.join(str(p) for p in sorted(chosen))}")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "synthetic_budapest.pb")
    ap.add_argument("--projects", type=int, default=175)
    ap.add_argument("--voters", type=int, default=30_000)
    ap.add_argument("--budget", type=int, default=1_000_000_000)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(generate(args.projects, args.voters, args.budget, args.seed), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
