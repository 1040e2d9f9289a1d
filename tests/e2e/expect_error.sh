#!/usr/bin/env bash
# expect_error.sh EXPECTED_EXIT "text the message must contain" COMMAND...
# One error message, one broken fixture: checks the exit status and that stderr names
# what went wrong.
set -u
want_rc=$1; want_text=$2; shift 2
err=$("$@" 2>&1 >/dev/null)
rc=$?
if [ "$rc" != "$want_rc" ]; then
  echo "expected exit $want_rc, got $rc; stderr: $err"; exit 1
fi
case "$err" in
  *"$want_text"*) echo "ok: exit $rc: $err"; exit 0 ;;
  *) echo "exit $rc as expected, but the message lacks '$want_text': $err"; exit 1 ;;
esac
