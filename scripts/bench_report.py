#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the records of a "make bench" guest run into results.

    bench_report.py --tap RUN/tap.log --out DIR [--command CMD] [--check]
    bench_report.py --json DIR/results.json --out DIR     (render again)

Writes DIR/results.json (every sample, the memory records and the
summary), DIR/summary.txt (the table), DIR/summary.rst (the same as a
reStructuredText table), DIR/iops.png, DIR/reldiff.png and DIR/cpu.png.

Statistics, per point: the mean IOPS of each target over its samples;
the relative difference (cnvme - nvme) / nvme with a 95 % Welch
t-interval (the interval of the difference of the means, divided by the
reference mean); the guest CPU time per I/O of each target.

--check: exit 1 unless both drivers have samples of at least one point
(the CI smoke test; speed is never judged).
"""

import argparse
import json
import math
import os
import platform
import re
import subprocess
import sys
import time

REF = "nvme"
NEW = "cnvme"
CEIL = "null_blk"
TARGETS = (REF, NEW, CEIL)
USER_HZ = 100  # /proc/stat ticks; 100 on every Debian x86 kernel
PAGE = 4096
ADMIN_DEPTH = 32  # both drivers: NVME_AQ_DEPTH


def parse_tap(path):
    """The BENCH records of a guest run, in order."""
    records = []
    pat = re.compile(r"^#\s*BENCH (\{.*\})\s*$")
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = pat.match(line.rstrip("\r\n"))
            if not m:
                continue
            try:
                records.append(json.loads(m.group(1)))
            except json.JSONDecodeError as e:
                print(f"bench_report: bad record skipped: {e}: {line[:120]}",
                      file=sys.stderr)
    return records


def host_info():
    info = {"machine": platform.machine(), "nproc": os.cpu_count(),
            "kernel": platform.release()}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as f:
            info["mem_kb"] = int(f.readline().split()[1])
        info["loadavg_at_report"] = list(os.getloadavg())
        out = subprocess.run(["qemu-system-x86_64", "--version"],
                             capture_output=True, text=True, check=False)
        info["qemu"] = out.stdout.splitlines()[0] if out.stdout else ""
    except OSError:
        pass
    return info


def t_quantile(p, df):
    from scipy import stats  # python3-scipy, from Debian
    return float(stats.t.ppf(p, df))


def mean_sd(xs):
    n = len(xs)
    if n == 0:
        return None, None
    m = sum(xs) / n
    if n < 2:
        return m, None
    return m, math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1))


def mean_ci(xs):
    """Mean and the 95 % t-interval of the mean (None with < 2 samples)."""
    m, sd = mean_sd(xs)
    if sd is None:
        return m, sd, None
    h = t_quantile(0.975, len(xs) - 1) * sd / math.sqrt(len(xs))
    return m, sd, [m - h, m + h]


def welch_rel(new, ref):
    """(mean(new) - mean(ref)) / mean(ref), its 95 % Welch interval, df."""
    mn, sn = mean_sd(new)
    mr, sr = mean_sd(ref)
    if mn is None or mr is None or mr == 0:
        return None, None, None
    rel = (mn - mr) / mr
    if sn is None or sr is None:
        return rel, None, None
    vn = sn * sn / len(new)
    vr = sr * sr / len(ref)
    var = vn + vr
    if var == 0:
        return rel, [rel, rel], None
    df = var * var / (vn * vn / (len(new) - 1) + vr * vr / (len(ref) - 1))
    h = t_quantile(0.975, df) * math.sqrt(var)
    return rel, [(mn - mr - h) / mr, (mn - mr + h) / mr], df


def paired_rel(samples, point):
    """cnvme / nvme - 1 from the rounds that have both: the geometric mean
    of the per-round ratios, with a 95 % t-interval on their logarithms.
    Both drivers run a given point within seconds of each other in one
    round, so this cancels the slow drifts of the host that inflate the
    unpaired (Welch) interval."""
    by = {}
    for s in samples:
        if s["point"] == point and s["target"] in (NEW, REF) and s["iops"] > 0:
            by.setdefault(s["round"], {})[s["target"]] = s["iops"]
    logs = [math.log(v[NEW] / v[REF]) for v in by.values() if len(v) == 2]
    m, sd, ci = mean_ci(logs)
    if m is None:
        return None, None, 0
    return (math.exp(m) - 1,
            [math.exp(ci[0]) - 1, math.exp(ci[1]) - 1] if ci else None,
            len(logs))


def cpu_us_per_io(s, meta):
    """Guest CPU time (all CPUs, busy) per I/O over the whole fio run.

    The I/O count is the disk's completed-request counter around the run
    (ramp included, like the CPU time); passthrough commands are not
    counted there, so for them it is IOPS x (ramp + runtime)."""
    busy_s = s["cpu_busy_ticks"] / USER_HZ
    est = s["iops"] * (meta.get("ramp", 0) + meta.get("runtime", 0))
    ios = s.get("blk_ios", 0)
    if ios < 0.5 * s["iops"] * meta.get("runtime", 0):
        ios = est
    return busy_s * 1e6 / ios if ios > 0 else None


def verdict(ci):
    if ci is None:
        return "n/a"
    if ci[0] > 0:
        return "faster"
    if ci[1] < 0:
        return "slower"
    return "tie"


def summarize(meta, samples, memory, pools):
    points = []
    order = []
    for s in samples:
        if s["point"] not in order:
            order.append(s["point"])
    for p in order:
        row = {"point": p, "targets": {}}
        for t in TARGETS:
            ss = [s for s in samples if s["point"] == p and s["target"] == t]
            if not ss:
                continue
            iops = [s["iops"] for s in ss]
            m, sd, ci = mean_ci(iops)
            cpus = [c for c in (cpu_us_per_io(s, meta) for s in ss)
                    if c is not None]
            cm, csd, cci = mean_ci(cpus)
            row["targets"][t] = {"n": len(ss), "iops_mean": m, "iops_sd": sd,
                                 "iops_ci95": ci, "cpu_us_per_io": cm,
                                 "cpu_us_per_io_ci95": cci}
        new = [s["iops"] for s in samples if s["point"] == p and s["target"] == NEW]
        ref = [s["iops"] for s in samples if s["point"] == p and s["target"] == REF]
        rel, ci, df = welch_rel(new, ref)
        prel, pci, pn = paired_rel(samples, p)
        row.update({"rel_diff": rel, "rel_diff_ci95": ci, "welch_df": df,
                    "verdict": verdict(ci), "paired_rel": prel,
                    "paired_rel_ci95": pci, "paired_rounds": pn})
        cn = row["targets"].get(NEW, {}).get("cpu_us_per_io")
        cr = row["targets"].get(REF, {}).get("cpu_us_per_io")
        row["cpu_rel_diff"] = (cn - cr) / cr if cn and cr else None
        points.append(row)
    return {"points": points, "memory": summarize_memory(memory, pools)}


def dma_estimate(rec):
    """DMA-coherent bytes of the queues (+ shadow doorbells), estimated
    from the queue geometry the controller's sysfs shows."""
    def pages(b):
        return -(-b // PAGE) * PAGE
    total = pages(ADMIN_DEPTH * 64) + pages(ADMIN_DEPTH * 16)
    depth = rec["sqsize"] + 1
    cq_depth = rec.get("cq_depth") or depth
    total += (rec["queue_count"] - 1) * (pages(depth * 64) +
                                         pages(cq_depth * 16))
    doorbells = 0
    try:
        oacs = int(rec.get("oacs") or "0", 0)
    except ValueError:
        oacs = 0
    # both drivers set up Doorbell Buffer Config (two pages) whenever the
    # controller offers it (OACS bit 8)
    if oacs & 0x100:
        doorbells = 2 * PAGE
    return total + doorbells, doorbells


def summarize_memory(memory, pools):
    out = {}
    for drv in (REF, NEW):
        recs = [r for r in memory if r["driver"] == drv]
        # the first load also pulls in shared dependencies (t10-pi, crc):
        # leave it out when there are others
        if len(recs) > 1:
            recs = recs[1:]
        if not recs:
            continue

        def med(xs):
            xs = sorted(xs)
            return xs[len(xs) // 2]
        ctrls = max(1, recs[0].get("controllers", 1))
        dma, dbbuf = dma_estimate(recs[-1])
        out[drv] = {
            "loads": len(recs),
            "controllers": ctrls,
            "slab_kb": med([r["slab_kb"][1] - r["slab_kb"][0] for r in recs]) / ctrls,
            "percpu_kb": med([r["percpu_kb"][1] - r["percpu_kb"][0] for r in recs]) / ctrls,
            "memfree_drop_kb": med([r["memfree_kb"][0] - r["memfree_kb"][1] for r in recs]) / ctrls,
            "module_bytes": recs[-1]["module_bytes"],
            "dma_pool_bytes": recs[-1]["dma_pool_bytes"] / ctrls,
            "dma_pool_bytes_after_io": max(
                [p["dma_pool_bytes"] for p in pools if p["driver"] == drv],
                default=0) / ctrls,
            "dma_coherent_est_bytes": dma / ctrls,
            "shadow_doorbell_bytes": dbbuf,
            "queue_count": recs[-1]["queue_count"],
            "queue_depth": recs[-1]["sqsize"] + 1,
        }
    return out


def fmt_pct(x):
    return "" if x is None else f"{100 * x:+.1f}%"


def fmt_ci(ci):
    return "" if ci is None else f"[{100 * ci[0]:+.1f}, {100 * ci[1]:+.1f}]"


def fmt_num(x, nd=0):
    return "" if x is None else f"{x:.{nd}f}"


def table_rows(summary):
    head = ["point", "nvme IOPS", "cnvme IOPS", "cnvme vs nvme",
            "Welch 95% CI (%)", "verdict", "paired", "paired 95% CI (%)",
            "null_blk IOPS", "nvme us/IO", "cnvme us/IO", "n"]
    rows = []
    for r in summary["points"]:
        t = r["targets"]
        g = lambda k, f: t.get(k, {}).get(f)  # noqa: E731
        rows.append([r["point"], fmt_num(g(REF, "iops_mean")),
                     fmt_num(g(NEW, "iops_mean")), fmt_pct(r["rel_diff"]),
                     fmt_ci(r["rel_diff_ci95"]), r["verdict"],
                     fmt_pct(r["paired_rel"]), fmt_ci(r["paired_rel_ci95"]),
                     fmt_num(g(CEIL, "iops_mean")),
                     fmt_num(g(REF, "cpu_us_per_io"), 1),
                     fmt_num(g(NEW, "cpu_us_per_io"), 1),
                     f"{g(REF, 'n') or 0}/{g(NEW, 'n') or 0}"])
    return head, rows


def memory_rows(summary):
    head = ["driver", "slab (KiB)", "percpu (KiB)", "MemFree drop (KiB)",
            "module text+data (KiB)", "DMA pools, after I/O (KiB)",
            "DMA coherent est. (KiB)", "queues x depth"]
    rows = []
    for drv in (REF, NEW):
        m = summary["memory"].get(drv)
        if not m:
            continue
        rows.append([drv, f"{m['slab_kb']:.0f}", f"{m['percpu_kb']:.0f}",
                     f"{m['memfree_drop_kb']:.0f}",
                     f"{m['module_bytes'] / 1024:.0f}",
                     f"{m['dma_pool_bytes'] / 1024:.0f}, "
                     f"{m['dma_pool_bytes_after_io'] / 1024:.0f}",
                     f"{m['dma_coherent_est_bytes'] / 1024:.0f}",
                     f"1+{m['queue_count'] - 1} x {m['queue_depth']}"])
    return head, rows


def text_table(head, rows):
    w = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = lambda r: "  ".join(str(x).rjust(w[i]) if i else str(x).ljust(w[i])  # noqa: E731
                               for i, x in enumerate(r))
    return "\n".join([line(head), line(["-" * n for n in w])] +
                     [line(r) for r in rows]) + "\n"


def rst_table(head, rows):
    w = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    sep = "  ".join("=" * n for n in w)
    line = lambda r: "  ".join(str(x).ljust(w[i]) for i, x in enumerate(r)).rstrip()  # noqa: E731
    return "\n".join([sep, line(head), sep] + [line(r) for r in rows] +
                     [sep]) + "\n"


def plot(summary, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # python3-matplotlib, from Debian

    pts = summary["points"]
    if not pts:
        return
    names = [p["point"] for p in pts]
    y = list(range(len(names)))
    h = max(3.0, 0.32 * len(names) + 1.2)

    fig, ax = plt.subplots(figsize=(8, h))
    width = 0.27
    colors = {REF: "tab:blue", NEW: "tab:orange", CEIL: "tab:gray"}
    labels = {REF: "nvme (in-kernel)", NEW: "cnvme", CEIL: "null_blk (ceiling)"}
    for k, t in enumerate((REF, NEW, CEIL)):
        ys, xs, lo, hi = [], [], [], []
        for i, p in enumerate(pts):
            d = p["targets"].get(t)
            if not d:
                continue
            ys.append(i + (k - 1) * width)
            xs.append(d["iops_mean"])
            ci = d["iops_ci95"] or [d["iops_mean"]] * 2
            lo.append(max(0, d["iops_mean"] - ci[0]))
            hi.append(max(0, ci[1] - d["iops_mean"]))
        if xs:
            ax.barh(ys, xs, height=width, color=colors[t], label=labels[t],
                    xerr=[lo, hi], error_kw={"elinewidth": 0.8, "capsize": 1.5})
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("IOPS (mean, 95 % interval)")
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "iops.png"), dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, h))
    for i, p in enumerate(pts):
        if p["rel_diff"] is None:
            continue
        x = 100 * p["rel_diff"]
        ci = p["rel_diff_ci95"]
        c = {"faster": "tab:green", "slower": "tab:red"}.get(p["verdict"], "black")
        if ci:
            ax.errorbar(x, i, xerr=[[x - 100 * ci[0]], [100 * ci[1] - x]],
                        fmt="o", color=c, ms=3.5, capsize=2, elinewidth=1)
        else:
            ax.plot(x, i, "o", color=c, ms=3.5)
        if p.get("paired_rel") is not None:
            x = 100 * p["paired_rel"]
            ci = p.get("paired_rel_ci95")
            err = [[x - 100 * ci[0]], [100 * ci[1] - x]] if ci else None
            ax.errorbar(x, i + 0.3, xerr=err, fmt="s", color="tab:gray",
                        ms=2.5, capsize=1.5, elinewidth=0.8)
    ax.plot([], [], "o", color="black", ms=3.5,
            label="Welch (unpaired); red/green: interval clear of 0")
    ax.plot([], [], "s", color="tab:gray", ms=2.5,
            label="paired by round (geometric mean)")
    ax.legend(fontsize=7, loc="lower right")
    ax.axvline(0, color="black", lw=0.8)
    ax.axvline(5, color="gray", lw=0.8, ls="--")
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=7)
    ax.set_ylim(len(names) - 0.4, -0.6)
    ax.set_xlabel("(cnvme - nvme) / nvme, % (mean, 95 % interval)")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "reldiff.png"), dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, h))
    for k, t in enumerate((REF, NEW, CEIL)):
        ys, xs = [], []
        for i, p in enumerate(pts):
            c = p["targets"].get(t, {}).get("cpu_us_per_io")
            if c is not None:
                ys.append(i + (k - 1) * width)
                xs.append(c)
        if xs:
            ax.barh(ys, xs, height=width, color=colors[t], label=labels[t])
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("guest CPU time per I/O, us (mean)")
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "cpu.png"), dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tap", help="the guest run's tap.log")
    ap.add_argument("--json", help="an earlier results.json, to render again")
    ap.add_argument("--out", required=True)
    ap.add_argument("--command", default="")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--no-plots", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)

    if a.json:
        with open(a.json, encoding="utf-8") as f:
            res = json.load(f)
        meta, samples, memory = res["meta"], res["samples"], res["memory"]
        pools = res.get("pools", [])
        errors, end = res.get("errors", []), res.get("end")
    elif a.tap:
        recs = parse_tap(a.tap)
        metas = [r for r in recs if r.get("type") == "meta"]
        meta = metas[0] if metas else {}
        meta["host"] = host_info()
        meta["command"] = a.command
        meta["date"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
        samples = [r for r in recs if r.get("type") == "sample"]
        memory = [r for r in recs if r.get("type") == "memory"]
        pools = [r for r in recs if r.get("type") == "pools"]
        errors = [r for r in recs if r.get("type") == "error"]
        ends = [r for r in recs if r.get("type") == "end"]
        end = ends[0] if ends else None
        for r in samples + memory + pools + errors:
            r.pop("type", None)
    else:
        ap.error("--tap or --json is needed")

    summary = summarize(meta, samples, memory, pools)
    res = {"meta": meta, "samples": samples, "memory": memory, "pools": pools,
           "errors": errors, "end": end, "summary": summary}
    with open(os.path.join(a.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(res, f, indent=1)
        f.write("\n")

    head, rows = table_rows(summary)
    mhead, mrows = memory_rows(summary)
    txt = [f"cnvme benchmark, {meta.get('date', '')}",
           f"guest kernel {meta.get('kernel', '?')}, {meta.get('nproc', '?')} vCPUs; "
           f"{meta.get('samples', '?')} samples x {meta.get('runtime', '?')} s "
           f"(+{meta.get('ramp', '?')} s ramp) per point and target",
           f"command: {meta.get('command', '')}", ""]
    with open(os.path.join(a.out, "summary.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(txt))
        f.write(text_table(head, rows))
        if mrows:
            f.write("\nmemory per controller after probe (median over loads)\n")
            f.write(text_table(mhead, mrows))
        if errors:
            f.write(f"\n{len(errors)} runs failed: "
                    + ", ".join(f"{e['target']}:{e['point']}" for e in errors)
                    + "\n")
    with open(os.path.join(a.out, "summary.rst"), "w", encoding="utf-8") as f:
        f.write(rst_table(head, rows))
        if mrows:
            f.write("\n")
            f.write(rst_table(mhead, mrows))
    if not a.no_plots:
        plot(summary, a.out)

    with open(os.path.join(a.out, "summary.txt"), encoding="utf-8") as f:
        sys.stdout.write(f.read())

    if a.check:
        both = [p for p in summary["points"]
                if p["targets"].get(REF, {}).get("n") and
                p["targets"].get(NEW, {}).get("n")]
        if not both:
            print("bench_report: no point has samples of both drivers",
                  file=sys.stderr)
            return 1
        print(f"bench_report: {len(both)} points with samples of both drivers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
