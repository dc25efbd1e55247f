#!/bin/sh
# Runs the QuaeroLogs unit tests (Node's built-in test runner), from the Maven build's test phase.
# Without Node they are skipped, like the browser tests without Chromium; in CI (CI=true, where
# .ci/run installs nodejs) a missing Node is a failure.
cd "$(dirname "$0")" || exit 1
if ! command -v node >/dev/null 2>&1; then
  if [ "$CI" = "true" ]; then
    echo "node is not installed; .ci/run installs it (Debian package nodejs)" >&2
    exit 1
  fi
  echo "QuaeroLogs unit tests SKIPPED: node is not installed (Debian package nodejs)"
  exit 0
fi
# No folder argument: Node 22+ would treat it as a module path instead of searching it.
exec node --test --test-reporter=spec
