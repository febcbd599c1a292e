#!/usr/bin/env python3
"""Fuzz campaign against the built `frugal` command, as a hostile or careless user would drive it.

Every case runs one `frugal` process on a malformed input (a mutated trace, throughput table,
space file, history or store file; a special file; an extreme option value) and checks what the
project promises for bad input:

  - exit code in the mapping: 0 success, 1 failure, 2 bad input, 3 corrupt data, nothing else;
    an "internal error" (a bug, exit 1) is a finding;
  - on failure, exactly one line on standard error, starting with "frugal:", with no .NET
    exception type name in it;
  - bounded: no case runs past the time limit (a hang) or past the memory limit (runaway);
  - no data loss: a read-only command leaves every store file byte-for-byte unchanged, a
    refused command changes nothing, and a `kv get` that succeeds prints the true value.

Usage (from the repository root, after `dotnet build src/Frugal.Cli -c Release`):
    python3 bench/fuzz/campaign.py [--frugal PATH] [--out bench/results/fuzz.md] [--timeout 60] [--only KIND]
                                   [--rounds N]

It writes a Markdown table of findings and exits 1 when there are any.
"""
import argparse
import hashlib
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# An exception's type, or a .NET type a parser names ("Failed to convert 'abc' to Nullable`1."): not the user's terms.
EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*Exception\b|\b(Nullable`1|U?Int(16|32|64)|Double|Single|Boolean)\b")
MEMORY_LIMIT_MIB = 2048
EXTREME_NUMBERS = ["abc", "", "NaN", "Infinity", "-Infinity", "-1", "0", "1e308", "-1e308",
                   "9223372036854775807", "-9223372036854775808", "99999999999", "1,5", " 7"]


class Campaign:
    def __init__(self, frugal, root, timeout):
        self.frugal = frugal
        self.root = root
        self.timeout = timeout
        self.cases = 0
        self.findings = []  # (case, problem, detail)
        self.rng = random.Random(20261206)

    # ---- running one case -------------------------------------------------------------------

    def run(self, name, args, expect_failure=True, cwd=None):
        """Runs frugal with args; checks exit code, message, time and memory. Returns (rc, out, err)."""
        self.cases += 1
        start = time.monotonic()
        rss_file = os.path.join(self.root, "rss")
        # /usr/bin/time reports this one process's peak resident set (kB), unlike RUSAGE_CHILDREN's running maximum.
        proc = subprocess.Popen(["/usr/bin/time", "-q", "-o", rss_file, "-f", "%M", self.frugal, *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, cwd=cwd or self.root, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=self.timeout)
            hung = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            hung = True
        elapsed = time.monotonic() - start
        rss_mib = peak_rss_mib(rss_file)
        out, err = out.decode(errors="replace"), err.decode(errors="replace")
        rc = proc.returncode
        lines = [l for l in err.splitlines() if l.strip()]
        if hung:
            self.finding(name, "hang", f"still running after {self.timeout} s")
            return rc, out, err
        if rss_mib > MEMORY_LIMIT_MIB:
            self.finding(name, "memory", f"peak {rss_mib:.0f} MiB")
        if rc not in (0, 1, 2, 3):
            self.finding(name, "exit code", f"{rc}: {first(lines)}")
        if rc == 0 and expect_failure:
            self.finding(name, "accepted", "bad input accepted with exit 0")
        if rc != 0:
            if len(lines) != 1:
                self.finding(name, "lines", f"{len(lines)} lines on stderr: {first(lines)}")
            elif not lines[0].startswith("frugal:"):
                self.finding(name, "message", lines[0][:160])
            if any(EXCEPTION_NAME.search(l) for l in lines):
                self.finding(name, "type name", first(lines))
            if any("internal error" in l for l in lines):
                self.finding(name, "internal error", first(lines))
            if rc == 1 and expect_failure:
                self.finding(name, "exit 1 for bad input", first(lines))
        return rc, out, err

    def finding(self, case, problem, detail):
        self.findings.append((case, problem, detail.replace("|", "\\|")[:200]))

    # ---- mutations of a file ------------------------------------------------------------------

    def mutations(self, sample_path):
        """(label, path) pairs: broken versions of a valid input file, plus special files."""
        data = open(sample_path, "rb").read()
        folder = tempfile.mkdtemp(dir=self.root, prefix="mut-")
        base = os.path.basename(sample_path)

        def write(label, content):
            path = os.path.join(folder, f"{label}-{base}")
            with open(path, "wb") as f:
                f.write(content)
            return label, path

        yield "missing", os.path.join(folder, "missing-" + base)
        yield write("empty", b"")
        yield write("truncated-half", data[: len(data) // 2])
        yield write("truncated-line", data[: data.find(b"\n", len(data) // 3) + 5] if b"\n" in data else data[:7])
        for i in range(4):
            flipped = bytearray(data)
            for _ in range(16):
                if flipped:
                    flipped[self.rng.randrange(len(flipped))] ^= 1 << self.rng.randrange(8)
            yield write(f"flipped16-{i}", bytes(flipped))
        yield write("garbage", bytes(self.rng.randrange(256) for _ in range(4096)))
        yield write("nul-bytes", data.replace(b"1", b"\x001", 3))
        yield write("long-line", data + b"9" * 5_000_000 + b"\n")
        yield write("repeated", data * 50)
        yield write("utf16", data.decode("utf-8", errors="replace").encode("utf-16"))
        dangling = os.path.join(folder, "dangling-" + base)
        os.symlink(os.path.join(folder, "nowhere"), dangling)
        yield "dangling-link", dangling
        fifo = os.path.join(folder, "fifo-" + base)
        os.mkfifo(fifo)
        yield "fifo", fifo
        yield "dev-zero", "/dev/zero"
        yield "directory", folder
        huge = os.path.join(folder, "huge-" + base)
        with open(huge, "wb") as f:  # sparse: costs no disk
            f.write(data[:64])
            f.truncate(3 << 30)
        yield "huge-sparse", huge

    def file_cases(self, kind, command, option, sample, extra=(), tolerated=()):
        """Every mutation of sample as the file of option; tolerated: labels the reader may rightly accept."""
        for label, path in self.mutations(sample):
            # A flipped byte may land in a field the reader ignores or still parses: success is allowed there.
            # A UTF-16 file starts with a byte-order mark, which .NET's readers honour: it is the same text.
            benign_possible = (label.startswith("flipped") or label in ("repeated", "long-line", "utf16")
                               or label in tolerated)
            self.run(f"{kind}: {' '.join(command)} {option} <{label}>", [*command, option, path, *extra],
                     expect_failure=not benign_possible)

    def option_cases(self, kind, command, option, extra=(), valid=("0", " 7", "-1")):
        """Every extreme value for one option; those in valid may succeed (a seed of 2^63-1 is a seed)."""
        for value in EXTREME_NUMBERS:
            # Each case writes into a fresh folder: a history left by a valid value must not refuse the next one.
            args = [a.replace("{fresh}", tempfile.mkdtemp(dir=self.root, prefix="out-")) for a in command]
            self.run(f"{kind}: {' '.join(command)} {option} {value!r}", [*args, option, value, *extra],
                     expect_failure=value not in valid)

    # ---- the store ------------------------------------------------------------------------------

    def store_cases(self):
        pristine = os.path.join(self.root, "store-pristine")
        other = os.path.join(self.root, "store-other")
        rc, _, err = self.run("kv: load", ["kv", "load", "--dir", pristine, "--records", "3000"], expect_failure=False)
        self.run("kv: load other", ["kv", "load", "--dir", other, "--records", "40000", "--seed", "7"], expect_failure=False)
        if rc != 0:
            self.finding("kv: load", "setup", err.strip()[:200])
            return
        truth = {}
        for key in ("key0", "key7", "key1234", "key2999"):
            rc, out, _ = self.run(f"kv: get {key} (pristine)", ["kv", "get", "--dir", pristine, key], expect_failure=False)
            truth[key] = out.strip()
        files = sorted(f for f in os.listdir(pristine) if os.path.isfile(os.path.join(pristine, f)))
        for victim in files:
            for label in ("flip1", "flip16", "truncate", "extend", "foreign", "delete", "fifo", "zero-link"):
                if label == "foreign" and not os.path.exists(os.path.join(other, victim)):
                    continue
                store = os.path.join(self.root, f"store-{victim}-{label}")
                shutil.rmtree(store, ignore_errors=True)
                shutil.copytree(pristine, store)
                self.mutate_store_file(os.path.join(store, victim), os.path.join(other, victim), label)
                for command in (["get", "key7"], ["stats"], ["get", "key1234"], ["put", "key7", "new"], ["checkpoint"]):
                    before = snapshot(store)
                    name = f"kv: {command[0]} with {victim} {label}"
                    rc, out, _ = self.run(name, ["kv", command[0], "--dir", store, *command[1:]], expect_failure=False)
                    if command[0] == "get" and rc == 0 and out.strip() != truth[command[1]]:
                        self.finding(name, "wrong value", f"printed {out.strip()[:40]!r}, stored {truth[command[1]][:40]!r}")
                    if (command[0] in ("get", "stats") or rc != 0) and snapshot(store) != before:
                        self.finding(name, "data changed", "a read-only or refused command changed the store's files")
                    if rc != 0:
                        break  # the store is refused: later commands would only repeat the finding
        empty = os.path.join(self.root, "store-empty")
        os.makedirs(empty, exist_ok=True)
        self.run("kv: get on an empty folder", ["kv", "get", "--dir", empty, "key7"])
        if os.listdir(empty):
            self.finding("kv: get on an empty folder", "data changed", "created files in an empty folder")
        self.run("kv: get on a missing folder", ["kv", "get", "--dir", os.path.join(self.root, "nope"), "key7"])
        self.option_cases("kv", ["kv", "load", "--dir", os.path.join(self.root, "store-opt")], "--records")
        self.option_cases("kv", ["kv", "get", "--dir", pristine, "key7"], "--memory-mib")
        self.option_cases("kv", ["kv", "load", "--dir", os.path.join(self.root, "store-opt")], "--value-bytes",
                          valid=("0", " 7"))
        # The store's smallest budget: a log of four pages no longer fits, which the store must say in one line.
        self.run("kv: get --memory-mib 1", ["kv", "get", "--dir", pristine, "key7", "--memory-mib", "1"],
                 expect_failure=False)
        stats = os.path.join(self.root, "stats.json")
        self.run("kv: stats --json PATH", ["kv", "stats", "--dir", pristine, "--json", stats], expect_failure=False)
        if not os.path.exists(stats) or os.path.getsize(stats) == 0:
            self.finding("kv: stats --json PATH", "setup", "kv stats --json PATH wrote no file")
        self.run("kv: stats --json to an unwritable path", ["kv", "stats", "--dir", pristine, "--json",
                                                            "/proc/forbidden.json"])
        self.run("kv: no subcommand", ["kv"])
        self.read_only_store_cases(pristine)

    def read_only_store_cases(self, pristine):
        """A store in a folder this user may not write: reading works, writing is one 'permission denied' line."""
        if os.geteuid() == 0:
            return  # root writes anywhere: the case cannot be made
        store = os.path.join(self.root, "store-read-only")
        shutil.copytree(pristine, store)
        for name in os.listdir(store):
            os.chmod(os.path.join(store, name), 0o444)
        os.chmod(store, 0o555)
        before = snapshot(store)
        self.run("kv: get on a read-only store", ["kv", "get", "--dir", store, "key7"], expect_failure=False)
        rc, _, err = self.run("kv: put on a read-only store", ["kv", "put", "--dir", store, "key7", "x"],
                              expect_failure=False)
        if rc not in (1, 2):
            self.finding("kv: put on a read-only store", "accepted", f"exit {rc}: {first(err.splitlines())}")
        if snapshot(store) != before:
            self.finding("kv: put on a read-only store", "data changed", "the store's files changed")
        os.chmod(store, 0o755)

    def mutate_store_file(self, path, foreign, label):
        if label in ("flip1", "flip16"):
            data = bytearray(open(path, "rb").read())
            for _ in range(1 if label == "flip1" else 16):
                if data:
                    data[self.rng.randrange(len(data))] ^= 1 << self.rng.randrange(8)
            open(path, "wb").write(bytes(data))
        elif label == "truncate":
            os.truncate(path, os.path.getsize(path) // 2)
        elif label == "extend":
            with open(path, "ab") as f:
                f.write(bytes(self.rng.randrange(256) for _ in range(4096)))
        elif label == "foreign":
            shutil.copyfile(foreign, path)
        elif label == "delete":
            os.remove(path)
        elif label == "fifo":
            os.remove(path)
            os.mkfifo(path)
        elif label == "zero-link":
            os.remove(path)
            os.symlink("/dev/zero", path)

    # ---- the campaign ---------------------------------------------------------------------------

    def schedule_cases(self):
        trace = os.path.join(self.root, "small.trace")
        self.run("schedule: trace (setup)", ["schedule", "trace", "--jobs", "6", "--output", trace], expect_failure=False)
        throughputs = os.path.join(REPO, "data", "shockwave", "tacc_throughputs.json")
        small = ["--cluster", "v100=8"]
        self.file_cases("schedule", ["schedule", "simulate", "--policy", "fifo"], "--trace", trace,
                        ["--throughputs", throughputs, *small])
        self.file_cases("schedule", ["schedule", "simulate", "--policy", "fifo", "--trace", trace], "--throughputs",
                        throughputs, small)
        sim = ["schedule", "simulate", "--trace", trace, "--throughputs", throughputs, *small]
        for option in ("--round", "--restart-overhead", "--window", "--lambda", "--time-limit", "--gap", "--makespan-weight"):
            self.option_cases("schedule", [*sim, "--policy", "shockwave"], option)
        for option in ("--jobs", "--gap", "--min-hours", "--max-hours", "--durations"):
            self.option_cases("schedule", ["schedule", "trace", "--output", os.path.join(self.root, "t.trace")], option)
        for mix in ("0.5,0.5,0.5,0.5", "1,0,0", "-1,1,1,0", "NaN,0,0,1", "a,b,c,d"):
            self.run(f"schedule: trace --gpu-mix {mix}", ["schedule", "trace", "--gpu-mix", mix, "--output",
                                                          os.path.join(self.root, "t.trace")])
        for mix in ("0.9,0.9,0.9", "1,0", "-1,1,1"):
            self.run(f"schedule: trace --mode-mix {mix}", ["schedule", "trace", "--mode-mix", mix, "--output",
                                                           os.path.join(self.root, "t.trace")])
        for policies in ("", "fifo,fifo", "nope", ",", "fifo,,srtf"):
            self.run(f"schedule: compare --policies {policies!r}", ["schedule", "compare", "--policies", policies,
                                                                     "--trace", trace, *small])
        for cluster in ("h100=8", "v100=0", "v100=-1", "v100", "=8", "v100=1e9"):
            self.run(f"schedule: simulate --cluster {cluster}", [*sim[:-2], "--cluster", cluster, "--policy", "fifo"])
        self.run("schedule: no subcommand", ["schedule"])

    def provision_cases(self):
        log = os.path.join(REPO, "data", "mirage", "ls6-a100.log")
        head = os.path.join(self.root, "ls6-head.log")
        with open(log, "rb") as f:
            lines = f.read().split(b"\n")
        with open(head, "wb") as f:
            f.write(b"\n".join(lines[:1500]) + b"\n")
        # --skip-bad skips the lines a truncation or a NUL byte damaged and replays the rest: success is right.
        self.file_cases("provision", ["provision", "simulate", "--skip-bad"], "--trace", head,
                        tolerated=("truncated-half", "truncated-line", "nul-bytes"))
        self.file_cases("provision", ["provision", "simulate"], "--trace", head)
        for option in ("--chain-hours", "--stride-hours", "--probes", "--trees", "--chain-nodes", "--load", "--max-samples"):
            self.option_cases("provision", ["provision", "evaluate", "--method", "reactive", "--trace", head, "--skip-bad"],
                              option)
        # One job submitted in year 1 stretches the validation period over two millennia of chains.
        ancient = os.path.join(self.root, "ls6-ancient.log")
        fields = lines[4].split(b"\t")
        fields[4] = b"0001-01-01T11:52:48"  # the Submit column of the Mirage log
        with open(ancient, "wb") as f:
            f.write(b"\n".join(lines[:4] + [b"\t".join(fields)] + lines[5:1500]) + b"\n")
        self.run("provision: evaluate --skip-bad with a job submitted in year 1",
                 ["provision", "evaluate", "--method", "reactive", "--trace", ancient, "--skip-bad"])
        self.run("provision: evaluate --json to an unwritable path",
                 ["provision", "evaluate", "--method", "reactive", "--trace", head, "--skip-bad", "--json",
                  "/proc/forbidden.json"])
        self.run("provision: watch --job abc", ["provision", "watch", "--job", "abc"])
        self.run("provision: watch without Slurm", ["provision", "watch", "--job", "12"])
        self.run("provision: evaluate unknown method", ["provision", "evaluate", "--method", "nope", "--trace", head])
        model = os.path.join(self.root, "garbage.zip")
        open(model, "wb").write(b"PK\x03\x04" + bytes(200))
        self.run("provision: evaluate with a garbage model", ["provision", "evaluate", "--method", "gbt", "--model",
                                                              model, "--trace", head, "--skip-bad"])

    def tune_cases(self):
        space = os.path.join(self.root, "space.json")
        rc, out, _ = self.run("tune: space (setup)", ["tune", "space", "--target", "synthetic", "--json", space],
                              expect_failure=False)
        if not os.path.exists(space) or os.path.getsize(space) == 0:
            self.finding("tune: space (setup)", "setup", "tune space --json PATH wrote no file")
        else:
            self.file_cases("tune", ["tune", "space"], "--space", space)
        history = os.path.join(self.root, "run.jsonl")
        self.run("tune: run (setup)", ["tune", "run", "--target", "synthetic", "--method", "random", "--iterations", "4",
                                       "--history", history, "--out", os.path.join(self.root, "tune-out")],
                 expect_failure=False)
        if os.path.exists(history):
            for label, path in [*self.mutations(history), *self.history_damage(history)]:
                # A history's last line may be half-written by an interrupted run: resume cuts it off, verify
                # ignores it, so a truncated history is a valid shorter one. A UTF-16 file has a byte-order mark.
                benign = label.startswith("flipped") or label in ("repeated", "long-line", "utf16", "truncated-half",
                                                                  "truncated-line")
                copy = path
                self.run(f"tune: run --resume --history <{label}>",
                         ["tune", "run", "--target", "synthetic", "--method", "random", "--iterations", "6", "--resume",
                          "--history", copy, "--out", os.path.join(self.root, "tune-out2")], expect_failure=not benign)
                self.run(f"tune: verify --history <{label}>",
                         ["tune", "verify", "--target", "synthetic", "--history", copy, "--rounds", "1"],
                         expect_failure=not benign)
        for option in ("--iterations", "--duration", "--repeats", "--warmup"):
            self.option_cases("tune", ["tune", "run", "--target", "synthetic", "--method", "random",
                                       "--out", "{fresh}"], option)
        # The kv target checks its own workload settings (short runs: a valid value costs seconds, not minutes).
        kv = ["tune", "run", "--target", "kv", "--method", "random", "--iterations", "1", "--duration", "0.1",
              "--warmup", "0", "--out", "{fresh}"]
        for option in ("--repeats", "--scale"):
            self.option_cases("tune", kv, option, valid=(" 7",))
        self.option_cases("tune", kv, "--clients", valid=())  # its thread count is a knob: no value is valid
        targets = os.path.join(self.root, "targets.json")
        self.run("tune: targets --json PATH", ["tune", "targets", "--json", targets], expect_failure=False)
        if not os.path.exists(targets) or os.path.getsize(targets) == 0:
            self.finding("tune: targets --json PATH", "setup", "tune targets --json PATH wrote no file")
        self.run("tune: run --json to an unwritable path", ["tune", "run", "--target", "synthetic", "--method",
                                                            "random", "--json", "/proc/forbidden.json"])
        for name in ("--target", "--method"):
            self.run(f"tune: run {name} nope", ["tune", "run", name, "nope"])

    def history_damage(self, history):
        """(label, path) pairs: a history whose lines parse but whose values must be refused."""
        text = open(history).read()
        folder = tempfile.mkdtemp(dir=self.root, prefix="history-")
        damage = {"unknown-version": text.replace('"version":1', '"version":99', 1),
                  "out-of-range": re.sub(r'"k000":[-0-9.e]+', '"k000":-1e300', text, count=2),
                  "wrong-type": re.sub(r'"k003":(true|false)', '"k003":"maybe"', text, count=2),
                  "nan-metric": re.sub(r'"score":[-0-9.e]+', '"score":"NaN"', text, count=2),
                  "no-header": text.split("\n", 1)[1]}
        for label, content in damage.items():
            path = os.path.join(folder, f"{label}.jsonl")
            with open(path, "w") as f:
                f.write(content)
            yield label, path

    def global_cases(self):
        for out in ("", "/proc/forbidden", "/dev/null/x"):
            self.run(f"global: reproduce --quick --only core --out {out!r}", ["reproduce", "--quick", "--only", "core",
                                                                            "--out", out])
        self.run("global: --json to an unwritable path", ["reproduce", "--quick", "--only", "core", "--json",
                                                          "/proc/forbidden.json", "--out", os.path.join(self.root, "o")])
        self.run("global: unknown command", ["frobnicate"])
        for group in ("tune", "provision"):
            self.run(f"global: {group} without a subcommand", [group])
        self.run("global: unknown experiment", ["reproduce", "--only", "nope"])
        self.option_cases("global", ["reproduce", "--quick", "--only", "core", "--out", os.path.join(self.root, "o2")],
                          "--seed", valid=("0", " 7", "9223372036854775807", "99999999999"))


def peak_rss_mib(rss_file):
    try:
        with open(rss_file) as f:
            values = [int(l) for l in f.read().split() if l.isdigit()]
        os.remove(rss_file)
        return max(values, default=0) / 1024
    except OSError:
        return 0


def first(lines):
    return lines[0][:160] if lines else "(nothing on stderr)"


def snapshot(folder):
    state = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.islink(path) or not os.path.isfile(path):
            state[name] = ("special", os.path.islink(path))
            continue
        with open(path, "rb") as f:
            state[name] = hashlib.sha256(f.read()).hexdigest()
    return state


REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # The CLI imports build/TorchSharp.props, which builds it for this machine's runtime identifier.
    built = [os.path.join(REPO, "src/Frugal.Cli/bin/Release/net10.0", sub, "frugal") for sub in ("linux-x64", "")]
    parser.add_argument("--frugal", default=next((p for p in built if os.path.exists(p)), built[-1]))
    parser.add_argument("--out", default=os.path.join(REPO, "bench/results/fuzz.md"))
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--only", type=lambda text: text.split(","), metavar="KIND[,KIND...]",
                        help="run only these areas: store, schedule, provision, tune, global")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat the cases this many times, each round with new random damage (a soak)")
    args = parser.parse_args()
    if args.only and set(args.only) - {"store", "schedule", "provision", "tune", "global"}:
        parser.error(f"--only: unknown area in {','.join(args.only)}")
    root = tempfile.mkdtemp(prefix="frugal-fuzz-")
    campaign = Campaign(os.path.abspath(args.frugal), root, args.timeout)
    started = time.monotonic()
    try:
        kinds = {"store": campaign.store_cases, "schedule": campaign.schedule_cases,
                 "provision": campaign.provision_cases, "tune": campaign.tune_cases, "global": campaign.global_cases}
        for round_ in range(args.rounds):
            for kind, run in kinds.items():
                if args.only is None or kind in args.only:
                    print(f"== {kind} (round {round_ + 1} of {args.rounds})", flush=True)
                    campaign.root = tempfile.mkdtemp(dir=root, prefix=f"round-{round_}-")
                    run()
                    print(f"   {campaign.cases} cases so far, {len(campaign.findings)} findings", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    write_report(args, campaign, time.monotonic() - started)
    print(f"{campaign.cases} cases, {len(campaign.findings)} findings; report: {args.out}")
    return 1 if campaign.findings else 0


def write_report(args, campaign, seconds):
    by_problem = {}
    for _, problem, _ in campaign.findings:
        by_problem[problem] = by_problem.get(problem, 0) + 1
    lines = ["# Fuzz campaign against `frugal`", "",
             f"- Command: `python3 bench/fuzz/campaign.py{' --only ' + ','.join(args.only) if args.only else ''}"
             f"{f' --rounds {args.rounds}' if args.rounds > 1 else ''}` "
             f"(timeout {args.timeout:.0f} s per case, memory limit {MEMORY_LIMIT_MIB} MiB)",
             f"- Machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}",
             f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {seconds / 60:.1f} min",
             f"- Cases: {campaign.cases}; findings: {len(campaign.findings)}", ""]
    if by_problem:
        lines += ["| problem | cases |", "|---|---:|"] + [f"| {p} | {n} |" for p, n in sorted(by_problem.items())] + [""]
        lines += ["| case | problem | detail |", "|---|---|---|"]
        lines += [f"| {c} | {p} | {d} |" for c, p, d in campaign.findings]
    else:
        lines += ["No findings: every case gave one line, an exit code in the mapping, no exception type name, "
                  "finished in bounds, and changed no data."]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
