#!/usr/bin/env bash
# One TAB, as bash does it: loads bash-completion and COMPLETION_FILE, fills COMP_WORDS from
# LINE (cursor at its end) and calls FUNCTION; prints "WALL_MS CANDIDATES MATCHING" where
# MATCHING counts candidates matching PATTERN. Only the completion function is timed.
#   complete-once.sh COMPLETION_FILE FUNCTION PATTERN LINE
# Not `set -u`: bash-completion's scripts are not written for it.
. /usr/share/bash-completion/bash_completion
. "$1"
function=$2 pattern=$3 line=$4
# shellcheck source=tests/install/comp-words.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/install/comp-words.sh"
comp_words "$line"
t0=$(date +%s%N)
"$function" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
t1=$(date +%s%N)
matching=$(printf '%s\n' "${COMPREPLY[@]}" | grep -cE "$pattern")
echo "$(((t1 - t0) / 1000000)) ${#COMPREPLY[@]} $matching"
