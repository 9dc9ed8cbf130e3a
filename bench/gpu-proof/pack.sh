#!/usr/bin/env bash
# Packs what an offline GPU host needs to run metascale into pieces of at most 60 MiB (air-gapped clusters; transfers
# limited to 64 MiB a file): a jlink'd Java 17 runtime, the application jars of the cuda build (libtorch's GPU natives
# and the CUDA presets' JNI libraries, not the CUDA libraries themselves: the host's PyTorch cu13 wheels provide
# cuBLAS, cuDNN, NCCL, cuFFT, cuRAND, cuSPARSE and cuFile, found through LD_LIBRARY_PATH by run-on-host.sh), the
# proof suite and the host script. Builds in a clone of HEAD, so the working tree keeps its CPU build.
#
#   bench/gpu-proof/pack.sh OUT_DIR        # extra Maven flags in MAVEN_ARGS (e.g. MAVEN_ARGS=-o offline)
#
# OUT_DIR receives metascale-gpu.tar.zst.part-00, -01, ..., SHA256SUMS, run-on-host.sh and MANIFEST.txt.
set -euo pipefail
out="${1:?usage: pack.sh OUT_DIR}"
piece_mib="${PIECE_MIB:-60}"
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
for tool in git mvn jlink jdeps zstd tar split sha256sum; do
  command -v "$tool" >/dev/null || { echo "pack.sh: $tool is missing (install it: it packs the bundle)" >&2; exit 2; }
done
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "pack.sh: building the cuda profile in a clone of $(git -C "$home" rev-parse --short HEAD)" >&2
git clone -q "$home" "$work/src"
(cd "$work/src" && mvn -q -B ${MAVEN_ARGS:-} -Pcuda -DskipTests package) >&2
lib="$work/src/metascale-cli/target/lib"
jar="$work/src/metascale-cli/target/metascale-cli-0.1.0.jar"
ls "$lib"/pytorch-*-linux-x86_64-gpu.jar >/dev/null 2>&1 || { echo "pack.sh: the cuda build has no GPU natives in $lib" >&2; exit 1; }

stage="$work/stage"
mkdir -p "$stage/app/lib" "$stage/app/suites"
cp "$jar" "$stage/app/lib/"
# the CPU natives never load on the GPU host: leave them out (the GPU jar carries libtorch_cpu too)
for f in "$lib"/*.jar; do
  case "$(basename "$f")" in
    pytorch-*-linux-x86_64.jar) ;;
    *) cp "$f" "$stage/app/lib/" ;;
  esac
done
cp "$home/bench/gpu-proof/gpu-proof.yaml" "$home/bench/gpu-proof/gpu-proof-offload.yaml" "$stage/app/suites/"
cp "$home/bench/gpu-proof/run-on-host.sh" "$stage/"

echo "pack.sh: jlink runtime" >&2
modules="$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps --class-path "$stage/app/lib/*" "$jar" 2>/dev/null || true)"
modules="${modules:+$modules,}java.desktop,java.management,jdk.unsupported,jdk.crypto.ec,jdk.zipfs"
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$stage/jre"

git -C "$home" rev-parse HEAD > "$stage/app/REVISION"
(cd "$stage" && find . -type f -printf '%s %p\n' | sort -k2) > "$out/MANIFEST.txt"
echo "pack.sh: compressing $(du -sh "$stage" | cut -f1) (zstd)" >&2
rm -f "$out"/metascale-gpu.tar.zst.part-*
tar -C "$stage" -cf - . | zstd -q -T0 -10 | split -b "${piece_mib}M" -d -a 2 - "$out/metascale-gpu.tar.zst.part-"
cp "$home/bench/gpu-proof/run-on-host.sh" "$out/"
(cd "$out" && sha256sum metascale-gpu.tar.zst.part-* run-on-host.sh > SHA256SUMS)
ls -l "$out" >&2
echo "pack.sh: copy $out to the host, then: bash run-on-host.sh <that directory> <output directory>" >&2
