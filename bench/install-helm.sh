#!/usr/bin/env sh
# Builds the Helm CLI the bench compares against, pinned, into bench/.tools/bin (git-ignored).
# Optional: `npm run bench` skips the Helm variants with a message when it is absent, and
# `npm test` never needs it. Needs Go (>= the version Helm's go.mod asks for).
#
#   sh bench/install-helm.sh            # or: npm run bench:helm
set -eu
HELM_VERSION="${HELM_VERSION:-v3.19.5}"
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/.tools/bin"
# `go install` does not stamp Helm's version into the binary (it reports only "v3.19"), so the
# pinned version is recorded beside it.
if [ -x "$bin/helm" ] && [ "$(cat "$bin/helm.version" 2>/dev/null)" = "$HELM_VERSION" ]; then
  echo "helm $HELM_VERSION already in $bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-helm: Go is not installed; the bench will run without Helm" >&2
  exit 1
fi
mkdir -p "$bin"
# GOWORK=off: a module install ignores any go.work around it.
GOBIN="$bin" GOWORK=off go install -trimpath "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
echo "$HELM_VERSION" > "$bin/helm.version"
echo "helm $HELM_VERSION installed in $bin"
