#!/usr/bin/env bash
# On the offline GPU host: unpacks the pieces pack.sh made and runs the GPU proof suite, in under 5 minutes, writing
# into OUT_DIR the trial records (run/results.jsonl), the report, nvidia-smi's output and summary.md with pass/fail.
# Needs no JDK, Maven or network: the runtime is in the bundle; the CUDA libraries come from the host's PyTorch cu13
# wheels (TORCH_VENV, default /opt/torch/.venv), the driver from the host.
#
#   bash run-on-host.sh PIECES_DIR OUT_DIR
set -uo pipefail
pieces="${1:?usage: run-on-host.sh PIECES_DIR OUT_DIR}"
out="${2:?usage: run-on-host.sh PIECES_DIR OUT_DIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="${WORK_DIR:-$(mktemp -d)}"
log="$out/run-on-host.log"
exec > >(tee -a "$log") 2>&1
start=$(date +%s)

(cd "$pieces" && sha256sum -c --quiet SHA256SUMS) || { echo "FAIL: a piece is missing or damaged (SHA256SUMS)"; exit 1; }
cat "$pieces"/metascale-gpu.tar.zst.part-* | zstd -q -d | tar -x -C "$work" || { echo "FAIL: unpacking"; exit 1; }
echo "unpacked in $(( $(date +%s) - start )) s into $work"

venv="${TORCH_VENV:-/opt/torch/.venv}"
cuda_libs="$(ls -d "$venv"/lib/python3*/site-packages/nvidia/*/lib 2>/dev/null | tr '\n' ':')"
[ -n "$cuda_libs" ] || echo "warning: no CUDA libraries under $venv (nvidia/*/lib): libtorch_cuda will not load"
export LD_LIBRARY_PATH="${cuda_libs}${LD_LIBRARY_PATH:-}"

nvidia-smi > "$out/nvidia-smi.txt" 2>&1
nvidia-smi -q > "$out/nvidia-smi-q.txt" 2>&1
nvidia-smi topo -m > "$out/nvidia-smi-topo.txt" 2>&1

java="$work/jre/bin/java"
app="$work/app"
opts=(-Xmx4g -Djava.awt.headless=true -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -Dorg.bytedeco.javacpp.pathsFirst=true
      -Dmetascale.home="$app" -cp "$app/lib/*")
"$java" "${opts[@]}" dev.metascale.cli.Main env --json > "$out/env.json" 2> "$out/env.err"
# NCCL: one rank's group of one on the GPU (a trial of world size 1 forms no group; NCCL refuses two ranks on one GPU)
timeout 60 "$java" "${opts[@]}" dev.metascale.engine.dist.CollectiveCheck --device cuda --mib 64 > "$out/nccl.json" 2> "$out/nccl.err"
echo "collective check exit $? after $(( $(date +%s) - start )) s: $(cat "$out/nccl.json")"
timeout 170 "$java" "${opts[@]}" dev.metascale.cli.Main run "$app/suites/gpu-proof.yaml" --out "$out/run" --threads 4
rc=$?
echo "suite exit $rc after $(( $(date +%s) - start )) s"
timeout 70 "$java" "${opts[@]}" dev.metascale.cli.Main run "$app/suites/gpu-proof-offload.yaml" --out "$out/run-offload" --threads 4
rc_offload=$?
echo "offload suite exit $rc_offload after $(( $(date +%s) - start )) s"

python="$(command -v "$venv/bin/python" || command -v python3 || true)"
if [ -z "$python" ]; then
  echo "no python to summarise: see $out/run/results.jsonl" > "$out/summary.md"
else
  "$python" - "$out" "$rc" "$rc_offload" <<'PY'
import json, pathlib, sys
out, rc, rc_offload = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
lines = []
for run in ("run", "run-offload"):
    if (out / run / "results.jsonl").exists():
        lines += (out / run / "results.jsonl").read_text().splitlines()
rows, ok = [], rc == 0 and rc_offload == 0
for line in lines:
    try:
        r = json.loads(line)
    except ValueError:
        continue
    t, m, env = r.get("spec", {}).get("techniques", {}), r.get("metrics", {}), r.get("env", {})
    dev = env.get("device", {}).get("device", "?")
    scaling = env.get("precision_policy", {}).get("loss_scaling", {})
    good = r.get("status") == "ok" and dev.startswith("cuda") and "peak_device_bytes" in m
    if t.get("offload"):
        good &= m.get("offload_host_bytes", 0) > 0
    ok &= good
    it = m.get("iter_time_s", {})
    why = (r.get("error") or {}).get("message", "")[:160].replace("|", "/")
    rows.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        t.get("precision"), t.get("checkpointing"), "yes" if t.get("offload") else "no", r.get("status"), dev,
        "%.1f" % (100 * m["accuracy"]["mean"]) if isinstance(m.get("accuracy"), dict) else "-",
        "%.4f" % it["median"] if isinstance(it, dict) and "median" in it else "-",
        "%.1f" % (m["peak_device_bytes"] / 2**20) if "peak_device_bytes" in m else "-",
        "%.1f" % (m["offload_host_bytes"] / 2**20) if "offload_host_bytes" in m else "-",
        "%s of %s" % (scaling.get("skipped_steps"), scaling.get("outer_steps")) if scaling else "-", why))
ok &= len(rows) == 8
try:
    nccl = json.loads((out / "nccl.json").read_text())
except (OSError, ValueError):
    nccl = {"passed": False, "problem": "no output: see nccl.err"}
ok &= nccl.get("passed") is True and nccl.get("backend") == "nccl"
gpu = (out / "nvidia-smi.txt").read_text().splitlines()[:12] if (out / "nvidia-smi.txt").exists() else []
text = ["# GPU proof: " + ("PASS" if ok else "FAIL"), "",
        "Eight trials expected (fp32, bf16, fp16 x checkpointing 0, 2; fp32, bf16 with checkpointing 2 and offload), each ok",
        "on a cuda device with peak_device_bytes (offload: with offload_host_bytes), and the NCCL check passed.", "",
        "NCCL (CollectiveCheck, group of one, %s MiB bucket): backend %s, passed %s, median all-reduce %s s%s" % (
            (nccl.get("bucket_bytes") or 0) >> 20, nccl.get("backend"), nccl.get("passed"), nccl.get("median_all_reduce_s"),
            ("; problem: " + str(nccl.get("problem"))) if nccl.get("problem") else ""), "",
        "| precision | checkpointing | offload | status | device | accuracy % | median iteration s | peak device MiB | offload host MiB | fp16 skipped steps | error |",
        "|---|---:|---|---|---|---:|---:|---:|---:|---|---|"] + rows + ["", "```"] + gpu + ["```"]
(out / "summary.md").write_text("\n".join(text) + "\n")
print("\n".join(text))
PY
fi
echo "done in $(( $(date +%s) - start )) s: $out/summary.md"
