#!/usr/bin/env bash
# Installs the third-party judges that test/judges.test.ts runs, at pinned versions, into .tools/
# (git-ignored). Idempotent: each tool is rebuilt only when its stamp file does not name the
# pinned version (and, for the Pod Security judge, the hash of its sources), so the test loop pays
# for a build once per machine. Go's module and build caches live in .tools/ too, so a cold
# install needs nothing but the Go toolchain, Python 3 with venv/pip, and the package registries.
#
# Usage: scripts/install-tools.sh            install what is missing
#        scripts/install-tools.sh --print     print the pinned versions as JSON
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${CDK8S_SECURE_TOOLS:-$ROOT/.tools}"

# Pinned versions. Bump here; the stamps make the next run rebuild.
KUBE_SCORE_MODULE=github.com/zegl/kube-score
KUBE_SCORE_VERSION=v1.20.0
CHECKOV_VERSION=3.3.30
# The pod-security-admission version is pinned by test/psa/go.mod (and go.sum).
PSA_DIR="$ROOT/test/psa"

log() { echo "install-tools: $*" >&2; }

if [[ "${1:-}" == "--print" ]]; then
  psa=$(sed -nE 's/^\s*k8s.io\/pod-security-admission (v[^ ]+).*/\1/p' "$PSA_DIR/go.mod")
  printf '{"kube-score":"%s","checkov":"%s","pod-security-admission":"%s"}\n' \
    "$KUBE_SCORE_VERSION" "$CHECKOV_VERSION" "$psa"
  exit 0
fi

need() { command -v "$1" >/dev/null || { log "$1 is needed to build the judges ($2)"; exit 1; }; }
need go "Go 1.26 or newer"
need python3 "Python 3.11 or newer, with venv and pip"

mkdir -p "$TOOLS/bin"
export GOPATH="$TOOLS/go"
export GOCACHE="$TOOLS/go-build"
export GOBIN="$TOOLS/bin"
# -modcacherw: the module cache stays deletable with rm -rf .tools.
export GOFLAGS="-modcacherw -buildvcs=false -trimpath"
export GOTOOLCHAIN=local
export CGO_ENABLED=0

stamp_ok() { [[ -x "$1" && -f "$1.version" && "$(cat "$1.version")" == "$2" ]]; }

# A lock, so that parallel invocations (jest workers, two shells running npm test) do not build
# at once. A lock whose owner is gone (a killed run) is taken over.
LOCK="$TOOLS/.lock"
for _ in $(seq 1 1800); do
  if mkdir "$LOCK" 2>/dev/null; then
    echo $$ >"$LOCK/pid"
    break
  fi
  owner=$(cat "$LOCK/pid" 2>/dev/null || true)
  if [[ -n "$owner" ]] && ! kill -0 "$owner" 2>/dev/null; then
    log "taking over the lock of $owner, which is gone"
    rm -rf "$LOCK"
    continue
  fi
  sleep 1
done
[[ -f "$LOCK/pid" && "$(cat "$LOCK/pid")" == "$$" ]] || { log "could not take $LOCK; remove it if no install is running"; exit 1; }
trap 'rm -rf "$LOCK"' EXIT

# kube-score
if ! stamp_ok "$TOOLS/bin/kube-score" "$KUBE_SCORE_VERSION"; then
  log "building kube-score $KUBE_SCORE_VERSION"
  start=$SECONDS
  go install "$KUBE_SCORE_MODULE/cmd/kube-score@$KUBE_SCORE_VERSION"
  echo "$KUBE_SCORE_VERSION" >"$TOOLS/bin/kube-score.version"
  log "kube-score built in $((SECONDS - start))s"
fi

# A judge of ours in Go under test/: rebuilt when its sources change (their hash is the stamp).
build_go_judge() { # <binary name> <source dir>
  local name=$1 dir=$2 hash start
  hash=$(cat "$dir/go.mod" "$dir/go.sum" "$dir"/*.go | sha256sum | cut -c1-16)
  if ! stamp_ok "$TOOLS/bin/$name" "$hash"; then
    log "building $name ($hash)"
    start=$SECONDS
    (cd "$dir" && go build -mod=readonly -o "$TOOLS/bin/$name" .)
    echo "$hash" >"$TOOLS/bin/$name.version"
    log "$name built in $((SECONDS - start))s"
  fi
}
# Pod Security Admission (upstream k8s.io/pod-security-admission)
build_go_judge psa-judge "$PSA_DIR"
# Pod requests and limits (upstream k8s.io/component-helpers/resource)
build_go_judge pod-requests "$ROOT/test/podrequests"

# Checkov, in its own virtualenv
CHECKOV="$TOOLS/checkov/bin/checkov"
if ! stamp_ok "$CHECKOV" "$CHECKOV_VERSION"; then
  log "installing checkov $CHECKOV_VERSION"
  start=$SECONDS
  rm -rf "$TOOLS/checkov"
  python3 -m venv "$TOOLS/checkov"
  "$TOOLS/checkov/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    "checkov==$CHECKOV_VERSION"
  echo "$CHECKOV_VERSION" >"$CHECKOV.version"
  log "checkov installed in $((SECONDS - start))s"
fi
