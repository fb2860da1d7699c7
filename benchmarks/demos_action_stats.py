#!/usr/bin/python3
"""demos_action_stats.py: how human-like the expert's actions are (benchmarks/RESULTS.md, "Expert demos").

For each episodes file (flowchunk's layout: data/state (N,5), data/action (N,2), meta/episode_ends)
prints the 10/50/90/99th percentiles of
  - the target - agent distance |action[t] - agent[t]| (px),
  - the target move per step |action[t] - action[t-1]| within an episode (px),
  - the agent move per step |agent[t] - agent[t-1]| within an episode (px),
and the share of integer targets.

    /usr/bin/python3 benchmarks/demos_action_stats.py EXPERT.h5 HUMAN.h5 ...
(HUMAN.h5 = `flowchunk import` of the real zarr). Needs numpy and h5py (Debian python3-h5py).
"""
import sys

import h5py
import numpy as np


def stats(path):
    with h5py.File(path, "r") as f:
        state = np.asarray(f["data/state"], dtype=np.float64)
        action = np.asarray(f["data/action"], dtype=np.float64)
        ends = np.asarray(f["meta/episode_ends"], dtype=np.int64)
    starts = np.concatenate([[0], ends[:-1]])
    same_episode = np.ones(len(action), dtype=bool)
    same_episode[starts] = False  # step t has a predecessor in its episode
    lead = np.linalg.norm(action - state[:, :2], axis=1)
    dmove = np.linalg.norm(np.diff(action, axis=0), axis=1)[same_episode[1:]]
    amove = np.linalg.norm(np.diff(state[:, :2], axis=0), axis=1)[same_episode[1:]]
    integer = np.mean(np.all(action == np.round(action), axis=1))
    q = [10, 50, 90, 99]
    fmt = lambda x: " / ".join(f"{v:.1f}" for v in np.percentile(x, q))
    print(f"{path}: {len(ends)} episodes, {len(action)} steps, integer targets {100 * integer:.1f}%")
    print(f"  target - agent distance, px   {fmt(lead)}")
    print(f"  target move per step, px      {fmt(dmove)}")
    print(f"  agent move per step, px       {fmt(amove)}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for p in sys.argv[1:]:
        stats(p)
