#!/usr/bin/env bash
# The project's C sources and headers as .clang-format writes them (HACKING.md: 4 spaces, 100
# columns). Usage: check-format.sh SOURCE_ROOT. Lists each file clang-format would change and
# fails; run `clang-format -i FILE` to fix one. tests/unit/layers/bad/ is left as it is: it is
# a fixture with problems on purpose.
set -euo pipefail

top=${1:?usage: check-format.sh SOURCE_ROOT}
if ! command -v clang-format >/dev/null; then
    echo "check-format: clang-format is not installed (Debian: clang-format)" >&2
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi
cd "$top"
mapfile -t files < <(find include src tests bench -name '*.[ch]' -not -path 'tests/unit/layers/bad/*' | sort)
[ ${#files[@]} -gt 0 ] || { echo "check-format: no C files under $top" >&2; exit 1; }
# One run for all: clang-format names each file and line it would change.
if ! out=$(clang-format --dry-run --Werror "${files[@]}" 2>&1); then
    printf '%s\n' "$out" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*/\1/p' | sort -u |
        sed 's/^/check-format: not as .clang-format writes it: /' >&2
    printf '%s\n' "$out" | head -n 20 >&2
    exit 1
fi
echo "check-format: ${#files[@]} files checked"
