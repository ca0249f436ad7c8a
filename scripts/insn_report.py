#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a "make bench INSN=1" run into instructions per I/O.

    insn_report.py --tap RUN/tap.log --dump OUT/insn.dump --out DIR
                   [--command CMD] [--check]

The guest's records (BENCH lines of the TAP: "insn" for each fio run of
a fixed number of I/Os, "ksyms" for the drivers' functions after each
load) are paired, by their sequence number, with the insn_count plugin's
counts of the same runs (insn.dump).  Per point, driver and round, the
instructions per I/O of each address class (module area: the driver's
own code; the rest of the kernel; user space) are the difference of the
two runs' counts divided by the difference of their I/Os; the driver's
own code ("driver") is the part of the module area inside the driver's
modules (their /proc/modules extents).  Per point and driver: the mean
over the rounds and its coefficient of variation, and the functions of
the driver's modules that run the most per I/O.

Writes DIR/insn.json, DIR/insn.txt and DIR/insn.png.  --check: exit 1
unless both drivers have a count of the driver's own code for at least
one point, and every run found its counts.
"""
import argparse
import bisect
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_report import host_info, mean_sd, parse_tap, text_table  # noqa: E402

AREAS = ("module", "kernel", "user")      # the plugin's address classes
CLASSES = ("driver",) + AREAS
DRIVERS = ("cnvme", "nvme")
TOP = 10


def parse_dump(path):
    """{seq: {"user": n, "kernel": n, "module": n, "tbs": {vaddr: n}}}

    A run counts once its "end" line is there; a malformed line (QEMU
    killed while writing) drops the run it belongs to."""
    runs = {}
    cur = None
    seq = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.split()
            try:
                if w and w[0] == "insns":
                    seq = int(w[1])
                    cur = {"tbs": {}}
                    for kv in w[2:]:
                        k, v = kv.split("=", 1)
                        cur[k] = int(v)
                elif w and w[0] == "tb" and cur is not None:
                    cur["tbs"][int(w[2], 16)] = int(w[3])
                elif w and w[0] == "end" and cur is not None:
                    if int(w[1]) == seq:
                        runs[seq] = cur
                    cur = None
            except (IndexError, ValueError):
                cur = None
    return runs


class Symbols:
    """A load's driver modules (their /proc/modules extents) and text
    symbols: whether an address is the driver's, and its function."""

    def __init__(self, rec):
        pairs = sorted((int(a, 16), f"{name} [{mod}]")
                       for a, name, mod in rec.get("syms", []))
        self.addrs = [a for a, _ in pairs]
        self.names = [n for _, n in pairs]
        self.extents = [(int(a, 16), int(a, 16) + size)
                        for _, a, size in rec.get("mods", [])]

    def driver(self, addr):
        return any(lo <= addr < hi for lo, hi in self.extents)

    def name(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        return self.names[i] if i >= 0 else f"0x{addr:x}"


def functions(run, syms):
    """The driver's functions in RUN: {name: instructions}; other code of
    the module area (another module) is left out."""
    out = {}
    for addr, n in run["tbs"].items():
        if syms is None or not syms.driver(addr):
            continue
        f = syms.name(addr)
        out[f] = out.get(f, 0) + n
    return out


def summarize(records, runs):
    ksyms = {r["load"]: Symbols(r) for r in records
             if r.get("type") == "ksyms"}
    insn = [r for r in records if r.get("type") == "insn"]
    missing = [r["seq"] for r in insn if r["seq"] not in runs]
    # (target, point, round) -> {ios: record}
    groups = {}
    for r in insn:
        if r["seq"] in runs:
            groups.setdefault((r["target"], r["point"], r["round"]), {})[r["ios"]] = r
    per = {}  # (target, point) -> list of per-round dicts
    for (target, point, rnd), by_ios in sorted(groups.items()):
        if len(by_ios) < 2:
            continue
        n1, n2 = sorted(by_ios)[:2]
        a, b = runs[by_ios[n1]["seq"]], runs[by_ios[n2]["seq"]]
        d = n2 - n1
        res = {c: (b.get(c, 0) - a.get(c, 0)) / d for c in AREAS}
        syms = ksyms.get(by_ios[n2]["load"])
        fa, fb = functions(a, syms), functions(b, syms)
        res["functions"] = {f: (fb.get(f, 0) - fa.get(f, 0)) / d
                            for f in set(fa) | set(fb)}
        # the driver's own code: its modules' blocks (the module area
        # holds other modules too)
        res["driver"] = (sum(fb.values()) - sum(fa.values())) / d if syms else None
        res["round"] = rnd
        res["iops_under_plugin"] = by_ios[n2].get("iops")
        res["ios"] = [n1, n2]
        per.setdefault((target, point), []).append(res)
    points = []
    # in the order the guest ran them
    order = dict.fromkeys(r["point"] for r in insn)
    for point in (p for p in order if any((t, p) in per for t in DRIVERS)):
        row = {"point": point}
        for t in DRIVERS:
            rounds = per.get((t, point), [])
            if not rounds:
                continue
            s = {"rounds": len(rounds)}
            for c in CLASSES:
                xs = [r[c] for r in rounds if r[c] is not None]
                m, sd = mean_sd(xs)
                s[c] = m
                s[c + "_cv"] = sd / m if m and sd is not None else None
            fsum = {}
            for r in rounds:
                for f, n in r["functions"].items():
                    fsum[f] = fsum.get(f, 0) + n / len(rounds)
            s["functions"] = dict(sorted(fsum.items(), key=lambda kv: -kv[1])[:40])
            s["per_round"] = [{k: v for k, v in r.items() if k != "functions"}
                              for r in rounds]
            row[t] = s
        if all(t in row for t in DRIVERS):
            for c in CLASSES:
                n, x = row["nvme"][c], row["cnvme"][c]
                row[c + "_ratio"] = x / n if n and x is not None else None
        points.append(row)
    return {"points": points, "missing_seqs": missing,
            "runs_counted": len(runs), "runs_recorded": len(insn)}


def fmt(x, nd=1):
    return "-" if x is None else f"{x:.{nd}f}"


def fmt_cv(x):
    return "-" if x is None else f"{100 * x:.2f}%"


def report_text(summary, meta, command):
    head = ["point", "driver cnvme", "driver nvme", "ratio", "cv c/n",
            "kernel cnvme", "kernel nvme", "ratio", "user ratio"]
    rows = []
    for p in summary["points"]:
        c, n = p.get("cnvme", {}), p.get("nvme", {})
        rows.append([p["point"], fmt(c.get("driver")), fmt(n.get("driver")),
                     fmt(p.get("driver_ratio"), 3),
                     f"{fmt_cv(c.get('driver_cv'))}/{fmt_cv(n.get('driver_cv'))}",
                     fmt(c.get("kernel")), fmt(n.get("kernel")),
                     fmt(p.get("kernel_ratio"), 3), fmt(p.get("user_ratio"), 3)])
    out = [f"# instructions per I/O: {command}",
           f"# kernel {meta.get('kernel', '?')}, {meta.get('samples', '?')} rounds, "
           f"runs of {meta.get('insn_ios', '?')} I/Os (the difference counted); "
           "driver: the driver's own code (cnvme, or nvme + nvme_core: their "
           "/proc/modules extents); kernel: outside the module area",
           "", text_table(head, rows)]
    for p in summary["points"]:
        out.append(f"## {p['point']}: the driver's functions, instructions per I/O")
        for t in DRIVERS:
            fs = p.get(t, {}).get("functions", {})
            out.append(f"  {t}:")
            for f, n in list(fs.items())[:TOP]:
                out.append(f"    {n:9.1f}  {f}")
        out.append("")
    if summary["missing_seqs"]:
        out.append(f"runs without counts (the plugin was not loaded?): {summary['missing_seqs']}")
    return "\n".join(out) + "\n"


def plot(summary, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # python3-matplotlib, from Debian

    pts = [p for p in summary["points"] if all(t in p for t in DRIVERS)]
    if not pts:
        return
    names = [p["point"] for p in pts]
    y = list(range(len(names)))
    fig, axes = plt.subplots(1, 2, figsize=(12, max(3.0, 0.4 * len(names) + 1.4)),
                             sharey=True)
    for ax, cls in zip(axes, ("driver", "kernel")):
        for k, t in enumerate(DRIVERS):
            ax.barh([v + (0.2 if k else -0.2) for v in y],
                    [p[t][cls] or 0 for p in pts], height=0.4, label=t)
        ax.set_title(f"{cls}: instructions per I/O")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y)
    axes[0].set_yticklabels(names, fontsize=8)
    axes[0].invert_yaxis()
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tap", required=True)
    ap.add_argument("--dump", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--command", default="make bench INSN=1")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    records = parse_tap(a.tap)
    meta = next((r for r in records if r.get("type") == "meta"), {})
    try:
        runs = parse_dump(a.dump)
    except OSError as e:
        print(f"insn_report: no counts: {e}", file=sys.stderr)
        runs = {}
    summary = summarize(records, runs)
    summary["meta"] = meta
    summary["host"] = host_info()
    summary["command"] = a.command
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "insn.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)
    text = report_text(summary, meta, a.command)
    with open(os.path.join(a.out, "insn.txt"), "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)
    try:
        plot(summary, os.path.join(a.out, "insn.png"))
    except ImportError as e:
        print(f"insn_report: no plot: {e}", file=sys.stderr)
    if a.check:
        both = [p for p in summary["points"]
                if all((p.get(t, {}).get("driver") or 0) > 0 for t in DRIVERS)]
        if not both or summary["missing_seqs"] or not summary["runs_recorded"]:
            print("insn_report: check failed: "
                  f"{len(both)} points counted for both drivers, "
                  f"{summary['runs_recorded']} runs recorded, "
                  f"{len(summary['missing_seqs'])} without counts", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
